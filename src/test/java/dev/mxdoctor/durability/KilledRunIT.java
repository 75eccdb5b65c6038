package dev.mxdoctor.durability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.mxdoctor.history.HistoryStore;
import dev.mxdoctor.history.RunSummary;
import dev.mxdoctor.testing.FakeDnsServer;
import dev.mxdoctor.testing.FakeSmtpServer;
import dev.mxdoctor.testing.Zones;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Durability with a real process: the packaged CLI is killed (SIGKILL) in the middle of a run; the run is in the
 * history as running, and the next real start of mxdoctor on this host marks it interrupted (its process is gone).
 */
class KilledRunIT {

    @TempDir
    Path dir;

    @Test
    void killedMidRun_isFoundAndMarkedInterrupted() throws Exception {
        String db = "jdbc:sqlite:" + dir.resolve("history.db");
        try (FakeSmtpServer silent = FakeSmtpServer.start(new InetSocketAddress("127.0.3.81", 0))
                .greeting(FakeSmtpServer.Greeting.SILENT);
                FakeDnsServer dns = FakeDnsServer.start(Zones.zone("slow.test", "@ MX 10 mx", "mx A 127.0.3.81"))) {
            ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-jar", "target/mxdoctor.jar", "mx", "slow.test", "--json");
            pb.environment().putAll(java.util.Map.of("MXDOCTOR_DNS", "127.0.0.1:" + dns.port(), "MXDOCTOR_NS_PORT",
                    String.valueOf(dns.port()), "MXDOCTOR_SMTP_PORT", String.valueOf(silent.port()),
                    "MXDOCTOR_ALLOW_TARGETS", "127.0.0.0/8", "MXDOCTOR_PING", "off", "MXDOCTOR_DB", db,
                    "MXDOCTOR_SMTP_GREETING_TIMEOUT", "60"));
            pb.redirectErrorStream(true).redirectOutput(dir.resolve("out.txt").toFile());
            Process p = pb.start();
            // The run is recorded before it talks to anyone; wait (bounded) until the row is there, then kill.
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (running(db).isEmpty()) {
                assertThat(System.nanoTime()).as("the run never appeared in the history: "
                        + (Files.exists(dir.resolve("out.txt")) ? Files.readString(dir.resolve("out.txt")) : ""))
                        .isLessThan(deadline);
                assertThat(p.isAlive()).isTrue();
                Thread.onSpinWait();
            }
            p.destroyForcibly();
            assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        }
        // The next real start of mxdoctor on this host (here: a dns command) is what finds the killed run.
        ProcessBuilder next = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", "target/mxdoctor.jar", "dns", "slow.test", "MX", "--json");
        next.environment().putAll(java.util.Map.of("MXDOCTOR_DNS", "127.0.0.1:9", "MXDOCTOR_DNS_TIMEOUT_MS", "50",
                "MXDOCTOR_DNS_ATTEMPTS", "1", "MXDOCTOR_DB", db));
        next.redirectErrorStream(true).redirectOutput(dir.resolve("next.txt").toFile());
        Process again = next.start();
        assertThat(again.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(again.exitValue()).as(Files.readString(dir.resolve("next.txt"))).isEqualTo(3);
        try (HistoryStore store = HistoryStore.open(db)) {
            List<RunSummary> runs = store.latest(Optional.empty(), Optional.empty(), 5);
            assertThat(runs).extracting(RunSummary::command, RunSummary::state)
                    .containsExactly(tuple("dns", "done"), tuple("mx", "interrupted"));
        }
    }

    @Test
    void sqliteNativeLibraryUnavailable_answersAnywayWithOneNote() throws Exception {
        try (FakeDnsServer dns = FakeDnsServer.start(Zones.zone("ok.test", "@ MX 10 mx", "mx A 192.0.2.1"))) {
            // No cache directory to keep the native library in, and no temporary directory to unpack it into.
            Run r = dnsRun(dns, "/proc/no-such-dir", "first");
            assertThat(r.exit()).as(r.err()).isZero();
            assertThat(r.out()).startsWith("OK  ok.test MX: 1 record.");
            assertThat(r.err()).contains("mxdoctor: note: this run is not in the history")
                    .contains("SQLite's native library could not be loaded").doesNotContain("\tat ");
            // With a cache directory the library is kept there: the broken temporary directory no longer matters.
            Run cached = dnsRun(dns, dir.resolve("cache").toString(), "second");
            assertThat(cached.exit()).as(cached.err()).isZero();
            assertThat(cached.err()).doesNotContain("not in the history");
            try (HistoryStore store = HistoryStore.open("jdbc:sqlite:" + dir.resolve("second.db"))) {
                assertThat(store.latest(Optional.empty(), Optional.empty(), 5)).extracting(RunSummary::command)
                        .containsExactly("dns");
            }
        }
    }

    private record Run(int exit, String out, String err) {}

    private Run dnsRun(FakeDnsServer dns, String cacheHome, String name) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dorg.sqlite.tmpdir=/proc/no-such-dir", "-jar", "target/mxdoctor.jar", "dns", "ok.test", "MX");
        pb.environment().putAll(java.util.Map.of("MXDOCTOR_DNS", "127.0.0.1:" + dns.port(), "MXDOCTOR_DB",
                "jdbc:sqlite:" + dir.resolve(name + ".db"), "XDG_CACHE_HOME", cacheHome));
        pb.redirectError(dir.resolve(name + ".err").toFile()).redirectOutput(dir.resolve(name + ".out").toFile());
        Process p = pb.start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Run(p.exitValue(), Files.readString(dir.resolve(name + ".out")),
                Files.readString(dir.resolve(name + ".err")));
    }

    private static List<RunSummary> running(String db) {
        if (!Files.exists(Path.of(db.substring("jdbc:sqlite:".length())))) {
            return List.of();
        }
        try (HistoryStore store = HistoryStore.open(db)) {
            return store.latest(Optional.empty(), Optional.empty(), 5).stream()
                    .filter(r -> r.state().equals("running")).toList();
        } catch (Exception e) {
            return List.of(); // the CLI is still creating the schema
        }
    }
}
