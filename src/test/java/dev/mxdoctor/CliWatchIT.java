package dev.mxdoctor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mxdoctor.testing.FakeDnsServer;
import dev.mxdoctor.testing.FakeSmtpServer;
import dev.mxdoctor.testing.Zones;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code mxdoctor watch} as a person runs it: the packaged jar in its own process, stopped with Ctrl-C (SIGINT). It
 * says it stopped, and exits with the status of the last verdict (2, failing: the mail host refuses), not the
 * signal's.
 */
class CliWatchIT {

    @TempDir
    Path dir;

    @Test
    void ctrlC_endsTheWatchWithItsLastWordsAndTheLastVerdictsStatus() throws Exception {
        try (FakeSmtpServer listening = FakeSmtpServer.start(new InetSocketAddress("127.0.3.94", 0));
                FakeDnsServer dns = FakeDnsServer.start(Zones.zone("watch.test", "@ MX 10 mx", "mx A 127.0.3.95"))) {
            // The MX host's address has nothing listening on the port the fake server took elsewhere: refused.
            ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-jar", "target/mxdoctor.jar", "watch", "mx", "watch.test", "every", "1s");
            pb.environment().putAll(java.util.Map.of("MXDOCTOR_DNS", "127.0.0.1:" + dns.port(), "MXDOCTOR_NS_PORT",
                    String.valueOf(dns.port()), "MXDOCTOR_SMTP_PORT", String.valueOf(listening.port()),
                    "MXDOCTOR_ALLOW_TARGETS", "127.0.0.0/8", "MXDOCTOR_HELO", "mxdoctor.test", "MXDOCTOR_PING", "off",
                    "MXDOCTOR_WATCH_MIN_EVERY", "1s", "MXDOCTOR_DB", "jdbc:sqlite:" + dir.resolve("history.db")));
            pb.redirectError(dir.resolve("err").toFile());
            Process p = pb.start();
            try {
                List<String> lines = new ArrayList<>();
                try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = out.readLine()) != null) {
                        lines.add(line);
                        if (line.startsWith("Watching `mx watch.test` every 1s")) {
                            // Ctrl-C, as the terminal sends it
                            assertThat(new ProcessBuilder("kill", "-INT", String.valueOf(p.pid())).start()
                                    .waitFor()).isZero();
                        }
                    }
                }
                assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("exited after Ctrl-C").isTrue();
                assertThat(lines).as(Files.readString(dir.resolve("err"))).anySatisfy(l -> assertThat(l)
                        .startsWith("FAILING"));
                assertThat(lines.get(lines.size() - 1)).matches("\\[\\d\\d:\\d\\d:\\d\\d\\] watch stopped \\(\\d+ "
                        + "checks?, last verdict failing\\)");
                assertThat(p.exitValue()).isEqualTo(2);
            } finally {
                p.destroyForcibly();
            }
        }
    }
}
