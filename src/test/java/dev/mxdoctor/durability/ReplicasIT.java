package dev.mxdoctor.durability;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.mxdoctor.history.HistoryStore;
import dev.mxdoctor.history.RunSummary;
import dev.mxdoctor.testing.FakeDnsServer;
import dev.mxdoctor.testing.FakeSlack;
import dev.mxdoctor.testing.FakeSlack.Call;
import dev.mxdoctor.testing.FakeSmtpServer;
import dev.mxdoctor.testing.SignedRequests;
import dev.mxdoctor.testing.SlackPayloads;
import dev.mxdoctor.testing.Zones;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two real mxdoctor bots (the built jar, in their own processes) share one real PostgreSQL history and one Slack app
 * in HTTP mode, with the test as the load balancer in front of them. Commands and Slack's redeliveries are spread
 * over both; one replica is killed with SIGKILL in the middle of its runs and started again. Every command gets
 * exactly one answer, or (for the runs the kill cut short) exactly one "interrupted" note with a Re-run button, and
 * the history holds every run.
 */
class ReplicasIT {

    private static final String SECRET = "replicas-signing-secret";
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    /** Every bot process this test started, stopped whatever happens (a failed assertion must not leave them). */
    private final List<Process> started = new ArrayList<>();

    @org.junit.jupiter.api.AfterEach
    void killLeftovers() throws InterruptedException {
        for (Process p : started) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void twoReplicas_oneKilledMidRunAndRestarted_everyCommandAnsweredOnce_andTheHistoryHoldsEveryRun()
            throws Exception {
        // Both mail servers on one port (mxdoctor dials every MX host on the same port); the slow one never greets.
        List<FakeSmtpServer> mail = FakeSmtpServer.onSamePort("127.0.3.91", "127.0.3.92");
        mail.get(1).greeting(FakeSmtpServer.Greeting.SILENT);
        try (EmbeddedPostgres pg = EmbeddedPostgres.builder().start();
                FakeSmtpServer fast = mail.get(0);
                FakeSmtpServer slow = mail.get(1);
                FakeDnsServer dns = FakeDnsServer.start(
                        Zones.zone("fast.test", "@ MX 10 mx", "mx A 127.0.3.91"),
                        Zones.zone("slow.test", "@ MX 10 mx", "mx A 127.0.3.92"));
                FakeSlack slack = new FakeSlack()) {
            String db = "jdbc:postgresql://127.0.0.1:" + pg.getPort() + "/postgres?user=postgres";
            Map<String, String> env = new HashMap<>(Map.of("SLACK_BOT_TOKEN", "xoxb-replicas", "SLACK_SIGNING_SECRET",
                    SECRET, "SLACK_API_URL", slack.apiUrl(), "MXDOCTOR_DB", db, "MXDOCTOR_DNS", "127.0.0.1:"
                    + dns.port(), "MXDOCTOR_NS_PORT", String.valueOf(dns.port()), "MXDOCTOR_ALLOW_TARGETS",
                    "127.0.0.0/8", "MXDOCTOR_PING", "off", "MXDOCTOR_SLACK_POST_INTERVAL_MS", "0",
                    "MXDOCTOR_LOG_FORMAT", "json"));
            env.putAll(Map.of("MXDOCTOR_RATE_PER_USER", "1000", "MXDOCTOR_RATE_PER_CHANNEL", "1000",
                    "MXDOCTOR_SMTP_GREETING_TIMEOUT", "120", "MXDOCTOR_HELO", "mxdoctor.test",
                    "MXDOCTOR_SMTP_PORT", String.valueOf(fast.port()),
                    // Every run posts its "Checking…" at once: one parent message per run tells a run done twice.
                    "MXDOCTOR_CHECKING_NOTICE_MS", "0"));
            assertThat(slow.port()).isEqualTo(fast.port());
            Bot a = track(Bot.start("a", env, dir));
            Bot b = track(Bot.start("b", env, dir));
            a.awaitReady();
            b.awaitReady();

            // Twenty quick checks spread over both replicas; each delivery is then redelivered by "Slack" to the
            // other replica, half of them while the first delivery is still being handled.
            List<String> quick = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                String channel = "CQ" + i;
                quick.add(channel);
                String event = mention("Ev" + channel, "mx fast.test", channel, i);
                Bot first = i % 2 == 0 ? a : b;
                Bot other = i % 2 == 0 ? b : a;
                assertThat(SignedRequests.event(first.port, event, SECRET, 0).statusCode()).isEqualTo(200);
                if (i % 2 == 0) {
                    assertThat(SignedRequests.event(other.port, event, SECRET, 1).statusCode()).isEqualTo(200);
                }
            }
            for (int i = 1; i < 20; i += 2) {
                Bot other = i % 2 == 0 ? b : a;
                SignedRequests.event(other.port, mention("EvCQ" + i, "mx fast.test", "CQ" + i, i), SECRET, 1);
            }

            // Four slow checks on replica a (the server never greets), then a is killed while they run.
            List<String> slowOnes = List.of("CS0", "CS1", "CS2", "CS3");
            for (int i = 0; i < slowOnes.size(); i++) {
                assertThat(SignedRequests.event(a.port, mention("Ev" + slowOnes.get(i), "mx slow.test",
                        slowOnes.get(i), 100 + i), SECRET, 0).statusCode()).isEqualTo(200);
            }
            slack.await(cs -> slowOnes.stream().allMatch(c -> !parents(cs, c).isEmpty()), WAIT,
                    "the slow runs' first messages");
            a.kill();
            // Slack redelivers one of them (it never heard back in time), and it reaches b: already claimed.
            SignedRequests.event(b.port, mention("EvCS0", "mx slow.test", "CS0", 100), SECRET, 1);
            Bot restarted = track(Bot.start("a-restarted", env, dir));
            restarted.awaitReady();

            // Every quick command: exactly one answer (one parent message, with its summary).
            slack.await(cs -> quick.stream().allMatch(c -> summaries(cs, c) >= 1), WAIT, "every quick answer");
            // Every slow command: exactly one interrupted note with a Re-run button, by whichever replica was first.
            slack.await(cs -> slowOnes.stream().allMatch(c -> interruptedNotes(cs, c) >= 1), WAIT,
                    "the interrupted notes");
            // What a second look could still add (a late duplicate) has had its chance: both replicas have done a
            // maintenance round after the notes (each round ends with a heartbeat, seen in the database).
            awaitAnotherMaintenanceRound(db);
            List<Call> calls = slack.calls();
            for (String c : quick) {
                assertThat(parents(calls, c)).as("parent messages in " + c).hasSize(1);
                assertThat(summaries(calls, c)).as("summaries in " + c).isEqualTo(1);
            }
            for (String c : slowOnes) {
                assertThat(parents(calls, c)).as("parent messages in " + c).hasSize(1);
                assertThat(interruptedNotes(calls, c)).as("interrupted notes in " + c).isEqualTo(1);
            }

            try (HistoryStore store = HistoryStore.open(db)) {
                List<RunSummary> runs = store.latest(Optional.empty(), Optional.empty(), 100);
                assertThat(runs.stream().filter(r -> r.query().equals("fast.test"))).hasSize(20)
                        .allSatisfy(r -> assertThat(r.state()).isEqualTo("done"));
                assertThat(runs.stream().filter(r -> r.query().equals("slow.test"))).hasSize(4)
                        .allSatisfy(r -> assertThat(r.state()).isEqualTo("interrupted"));
            }

            // Logs: one JSON object a line, and the lines of a run carry its id.
            restarted.stop();
            b.stop();
            int withRun = 0;
            for (Bot bot : List.of(a, b, restarted)) {
                for (String line : Files.readAllLines(bot.log)) {
                    JsonObject o = JsonParser.parseString(line).getAsJsonObject();
                    assertThat(o.has("level") && o.has("formattedMessage")).as(line).isTrue();
                    if (o.has("mdc") && o.getAsJsonObject("mdc").has("run")) {
                        withRun++;
                    }
                    assertThat(line).doesNotContain("xoxb-replicas");
                }
            }
            assertThat(withRun).as("log lines that name their run").isPositive();
        }
    }

    /**
     * A watch on two replicas: it runs on the one that holds it, only there; killed (SIGKILL, nothing released), the
     * other takes it over within one interval and goes on in the same thread and status line.
     */
    @Test
    void watch_runsOnOneReplicaAtATime_andTheOtherTakesItOverWhenTheHolderIsKilled() throws Exception {
        try (EmbeddedPostgres pg = EmbeddedPostgres.builder().start();
                FakeSmtpServer mx = FakeSmtpServer.start(new java.net.InetSocketAddress("127.0.3.93", 0));
                FakeDnsServer dns = FakeDnsServer.start(Zones.zone("watch.test", "@ MX 10 mx", "mx A 127.0.3.93"));
                FakeSlack slack = new FakeSlack()) {
            String db = "jdbc:postgresql://127.0.0.1:" + pg.getPort() + "/postgres?user=postgres";
            Duration every = Duration.ofSeconds(4);
            Map<String, String> env = new HashMap<>(Map.of("SLACK_BOT_TOKEN", "xoxb-replicas", "SLACK_SIGNING_SECRET",
                    SECRET, "SLACK_API_URL", slack.apiUrl(), "MXDOCTOR_DB", db, "MXDOCTOR_DNS", "127.0.0.1:"
                    + dns.port(), "MXDOCTOR_NS_PORT", String.valueOf(dns.port()), "MXDOCTOR_ALLOW_TARGETS",
                    "127.0.0.0/8", "MXDOCTOR_PING", "off", "MXDOCTOR_SLACK_POST_INTERVAL_MS", "0"));
            env.putAll(Map.of("MXDOCTOR_HELO", "mxdoctor.test", "MXDOCTOR_SMTP_PORT", String.valueOf(mx.port()),
                    "MXDOCTOR_WATCH_MIN_EVERY", every.toSeconds() + "s", "MXDOCTOR_CHECKING_NOTICE_MS", "0"));
            Bot a = track(Bot.start("wa", env, dir));
            Bot b = track(Bot.start("wb", env, dir));
            a.awaitReady();
            b.awaitReady();
            assertThat(SignedRequests.event(a.port, mention("EvW", "watch mx watch.test every 4s for 10m", "CW", 1),
                    SECRET, 0).statusCode()).isEqualTo(200);
            slack.await(cs -> cs.stream().anyMatch(c -> c.method().equals("chat.update")
                    && String.valueOf(c.param("blocks")).contains("watch_status")), WAIT, "the watch's status line");
            awaitRuns(db, 4);
            List<String[]> before = watchRuns(db);
            String holder = before.get(0)[0];
            assertThat(before).as("only its holder runs it").allSatisfy(r -> assertThat(r[0]).isEqualTo(holder));
            Bot holding = a; // a created the watch and holds it while it lives (b may not take a held watch)
            long killed = System.currentTimeMillis();
            holding.kill();
            List<String[]> after = awaitRuns(db, before.size() + 3);
            List<String[]> taken = after.subList(before.size(), after.size()).stream()
                    .filter(r -> Long.parseLong(r[1]) > killed).toList();
            assertThat(taken).isNotEmpty().allSatisfy(r -> assertThat(r[0]).isNotEqualTo(holder));
            // The check due after the killed replica's last one came at most one interval late (its hold lapsing and
            // the other's next round), give or take two seconds for two JVMs and PostgreSQL on a busy machine.
            long lastByHolder = after.stream().filter(r -> r[0].equals(holder)).mapToLong(r -> Long.parseLong(r[1]))
                    .max().orElseThrow();
            long firstTaken = Long.parseLong(taken.get(0)[1]);
            assertThat(firstTaken - (lastByHolder + every.toMillis())).as("ms late").isLessThanOrEqualTo(
                    every.toMillis() + 2_000);
            // Still one thread: the new holder redraws the same status line and posts no new first answer.
            List<Call> calls = slack.calls();
            assertThat(calls.stream().filter(c -> c.method().equals("chat.postMessage")
                    && String.valueOf(c.param("text")).startsWith("Checking"))).hasSize(1);
            assertThat(calls.stream().filter(c -> c.method().equals("chat.update")
                    && String.valueOf(c.param("blocks")).contains("watch_status")).map(c -> c.param("ts"))
                    .distinct()).hasSize(1);
        }
    }

    /** The watch's recorded checks, oldest first: {owner, started_ms}; waits until there are {@code n}. */
    private static List<String[]> awaitRuns(String db, int n) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            List<String[]> runs = watchRuns(db);
            if (runs.size() >= n) {
                return runs;
            }
            assertThat(System.nanoTime()).as(n + " checks of the watch; have " + runs.size()).isLessThan(deadline);
            Thread.sleep(200); // polling the database for checks that come every few seconds
        }
    }

    private static List<String[]> watchRuns(String db) throws Exception {
        List<String[]> out = new ArrayList<>();
        try (var c = java.sql.DriverManager.getConnection(db);
                var s = c.createStatement();
                var rs = s.executeQuery("SELECT owner, started_ms FROM runs WHERE query = 'watch.test' "
                        + "ORDER BY started_ms")) {
            while (rs.next()) {
                out.add(new String[] {rs.getString(1), String.valueOf(rs.getLong(2))});
            }
        }
        return out;
    }

    private Bot track(Bot bot) {
        started.add(bot.process);
        return bot;
    }

    private static String mention(String eventId, String command, String channel, int n) {
        String ts = "1700000000." + String.format("%06d", n);
        return SlackPayloads.event(eventId, SlackPayloads.mention("<@U0BOT> " + command, channel, "U0ASKER" + n, ts,
                null)).toString();
    }

    private static List<Call> parents(List<Call> calls, String channel) {
        return calls.stream().filter(c -> c.method().equals("chat.postMessage") && channel.equals(c.param("channel"))
                && c.param("text") != null && c.param("text").startsWith("Checking")).toList();
    }

    private static long summaries(List<Call> calls, String channel) {
        return calls.stream().filter(c -> c.method().equals("chat.update") && channel.equals(c.param("channel"))
                && String.valueOf(c.param("blocks")).contains("Re-run")).count();
    }

    private static long interruptedNotes(List<Call> calls, String channel) {
        return calls.stream().filter(c -> c.method().equals("chat.postMessage") && channel.equals(c.param("channel"))
                && String.valueOf(c.param("blocks")).contains("was interrupted")
                && String.valueOf(c.param("blocks")).contains("Re-run")).count();
    }

    /** Waits until both live bots have beaten again (a round of maintenance ends with the next beat). */
    private static void awaitAnotherMaintenanceRound(String db) throws Exception {
        long since = System.currentTimeMillis();
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (beats(db).values().stream().filter(beat -> beat > since).count() < 2) {
            assertThat(System.nanoTime()).as("another heartbeat of both replicas").isLessThan(deadline);
            Thread.sleep(200); // polling a database row; the beat itself comes every 15 s
        }
    }

    private static Map<String, Long> beats(String db) throws Exception {
        Map<String, Long> out = new HashMap<>();
        try (var c = java.sql.DriverManager.getConnection(db);
                var s = c.createStatement();
                var rs = s.executeQuery("SELECT owner, heartbeat_ms FROM processes")) {
            while (rs.next()) {
                out.put(rs.getString(1), rs.getLong(2));
            }
        }
        return out;
    }

    /** One bot process: the packaged jar, as the Docker image and `./mxdoctor bot` run it. */
    private static final class Bot {
        final Process process;
        final int port;
        final Path log;

        private Bot(Process process, int port, Path log) {
            this.process = process;
            this.port = port;
            this.log = log;
        }

        static Bot start(String name, Map<String, String> env, Path dir) throws IOException {
            int port;
            try (ServerSocket s = new ServerSocket(0)) {
                port = s.getLocalPort();
            }
            Path log = dir.resolve(name + ".log");
            ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-jar", "target/mxdoctor.jar", "bot");
            pb.environment().putAll(env);
            pb.environment().put("MXDOCTOR_HTTP_PORT", String.valueOf(port));
            pb.redirectError(log.toFile()).redirectOutput(dir.resolve(name + ".out").toFile());
            return new Bot(pb.start(), port, log);
        }

        void awaitReady() throws Exception {
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (true) {
                assertThat(process.isAlive()).as("the bot exited: " + Files.readString(log)).isTrue();
                try {
                    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                            + "/readyz")).build(), HttpResponse.BodyHandlers.ofString());
                    if (r.statusCode() == 200) {
                        return;
                    }
                } catch (IOException e) {
                    // not listening yet
                }
                assertThat(System.nanoTime()).as("ready in time: " + Files.readString(log)).isLessThan(deadline);
                Thread.sleep(100); // polling a process that is starting
            }
        }

        void kill() throws InterruptedException {
            process.destroyForcibly(); // SIGKILL: no shutdown hook, nothing tidied
            assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();
        }

        /** SIGTERM, and the exit within the shutdown grace. */
        void stop() throws InterruptedException {
            process.destroy();
            assertThat(process.waitFor(40, TimeUnit.SECONDS)).as("exited after SIGTERM").isTrue();
        }
    }
}
