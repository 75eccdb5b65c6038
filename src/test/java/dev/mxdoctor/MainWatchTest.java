package dev.mxdoctor;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.mxdoctor.command.CommandParser;
import dev.mxdoctor.command.Request;
import dev.mxdoctor.history.History;
import dev.mxdoctor.history.WatchRecord;
import dev.mxdoctor.testing.FakeDnsServer;
import dev.mxdoctor.testing.FakeSmtpServer;
import dev.mxdoctor.testing.MutableClock;
import dev.mxdoctor.testing.TcpProxy;
import dev.mxdoctor.testing.Zones;
import dev.mxdoctor.watch.ForegroundWatch;
import dev.mxdoctor.watch.WatchSettings;
import dev.mxdoctor.watch.Watching;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code mxdoctor watch} at the command line: real checks against an in-process DNS and mail server behind a proxy
 * the test turns off and on between checks, a clock that moves only when the watch sleeps, a real SQLite history.
 */
class MainWatchTest {

    private static final Instant T0 = Instant.parse("2026-12-01T14:00:00Z");

    private FakeDnsServer dns;
    private FakeSmtpServer mx;
    private TcpProxy proxy;
    private Map<String, String> env;
    private final MutableClock clock = new MutableClock(T0);

    @org.junit.jupiter.api.io.TempDir
    java.nio.file.Path dir;

    @BeforeEach
    void setUp() {
        mx = FakeSmtpServer.start(new InetSocketAddress("127.0.3.72", 0));
        proxy = new TcpProxy(mx.address(), TcpProxy.Mode.FORWARD);
        dns = FakeDnsServer.start(Zones.zone("watch.test", "@ MX 10 mx1", "mx1 A 127.0.0.1"));
        env = new HashMap<>(Map.of("MXDOCTOR_DNS", "127.0.0.1:" + dns.port(), "MXDOCTOR_NS_PORT",
                String.valueOf(dns.port()), "MXDOCTOR_SMTP_PORT", String.valueOf(proxy.port()),
                "MXDOCTOR_ALLOW_TARGETS", "127.0.0.0/8", "MXDOCTOR_HELO", "mxdoctor.test", "MXDOCTOR_PING", "off",
                "MXDOCTOR_DB", "jdbc:sqlite:" + dir.resolve("history.db")));
    }

    @AfterEach
    void tearDown() {
        proxy.close();
        dns.close();
        mx.close();
    }

    private record Out(int status, String out, String err) {}

    /**
     * Runs {@code text} as a foreground watch; before the check after the n-th sleep, {@code world} is told n (to
     * change what the next check sees), and the sleep moves the clock to the time asked.
     */
    private Out watch(String text, IntConsumer world, int interruptAtSleep) throws Exception {
        Request.Watch w = (Request.Watch) new CommandParser().parse(text).request();
        Watching.Plan plan = Watching.plan(w, WatchSettings.DEFAULTS, clock.instant());
        AtomicInteger sleeps = new AtomicInteger();
        ForegroundWatch.Sleeper sleeper = t -> {
            int n = sleeps.incrementAndGet();
            if (n == interruptAtSleep) {
                throw new InterruptedException();
            }
            clock.advance(Duration.between(clock.instant(), t));
            world.accept(n);
        };
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Config config = Config.fromEnvironment(env);
        int status;
        try (History history = History.open(config.db().orElseThrow(), clock, History.Budgets.DEFAULT)) {
            status = Main.watch(w, new CommandParser().parse(text).json(), plan, config, clock, history,
                    new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true,
                            StandardCharsets.UTF_8), false, env, sleeper);
        }
        return new Out(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** Down before the 2nd check after the first, back before the 4th. */
    private void downThenUp(int n) {
        if (n == 2) {
            proxy.mode(TcpProxy.Mode.REFUSE);
        } else if (n == 4) {
            proxy.mode(TcpProxy.Mode.FORWARD);
        }
    }

    @Test
    void watch_printsTheFirstAnswerThenEachChangeOnceWithItsTime_untilItsEnd() throws Exception {
        Out r = watch("watch mx watch.test every 5m for 30m", this::downThenUp, -1);
        String[] parts = r.out().split("Watching `mx watch.test` every 5m until 14:30 UTC; only changes are printed"
                + "\\. Ctrl-C stops\\.\n", 2);
        assertThat(parts).hasSize(2);
        assertThat(parts[0]).contains("mx1.watch.test").contains("OK");
        List<String> lines = parts[1].lines().toList();
        // the host went away at 14:10 and came back at 14:20; nothing else is printed but the end
        assertThat(lines.stream().filter(l -> l.startsWith("[14:10:00] verdict ok → "))).hasSize(1);
        assertThat(lines.stream().filter(l -> l.startsWith("[14:20:00] verdict ") && l.endsWith("→ ok (it was "
                + lines.get(0).replaceAll(".*→ (\\w+).*", "$1") + " at 14:10)"))).hasSize(1);
        assertThat(lines.stream().filter(l -> l.startsWith("[14:05") || l.startsWith("[14:15")
                || l.startsWith("[14:25"))).isEmpty();
        assertThat(lines.get(lines.size() - 1)).isEqualTo("[14:30:00] watch ended: its 30m are up (7 checks, last "
                + "verdict ok)");
        assertThat(r.status()).isZero();
        try (History history = History.open(env.get("MXDOCTOR_DB"), clock, History.Budgets.DEFAULT)) {
            assertThat(history.latest(Optional.of("watch.test"), Optional.empty(), 100)).hasSize(7);
        }
    }

    @Test
    void watch_interrupted_saysSoAndExitsWithTheLastVerdict() throws Exception {
        Out r = watch("watch mx watch.test every 5m", this::downThenUp, 3);
        assertThat(r.out()).endsWith("[14:10:00] watch stopped (3 checks, last verdict failing)\n");
        assertThat(r.status()).isEqualTo(2);
    }

    @Test
    void watch_untilOk_endsAtTheFirstOk() throws Exception {
        proxy.mode(TcpProxy.Mode.REFUSE);
        Out r = watch("watch mx watch.test every 5m until ok", n -> {
            if (n == 2) {
                proxy.mode(TcpProxy.Mode.FORWARD);
            }
        }, -1);
        assertThat(r.out()).contains("or until OK").endsWith("[14:10:00] watch ended: the verdict is OK (until ok) "
                + "(3 checks, last verdict ok)\n");
        assertThat(r.status()).isZero();
    }

    @Test
    void watch_json_isOneReportALineWithItsChanges_andTheWatchsOwnWordsOnStderr() throws Exception {
        Out r = watch("watch mx watch.test every 5m for 30m --json", this::downThenUp, -1);
        List<String> lines = r.out().lines().toList();
        assertThat(lines).hasSize(3);
        List<JsonObject> reports = lines.stream().map(l -> JsonParser.parseString(l).getAsJsonObject()).toList();
        assertThat(reports.get(0).getAsJsonArray("changes")).isEmpty();
        assertThat(reports.get(1).getAsJsonArray("changes").toString()).contains("verdict ok → ");
        assertThat(reports.get(2).getAsJsonObject("verdict").get("status").getAsString()).isEqualTo("ok");
        assertThat(r.err()).contains("Watching `mx watch.test --json`").contains("watch ended: its 30m are up");
    }

    private Out main(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Main.run(args, env, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), false);
        return new Out(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void watch_outsideTheConfiguredBounds_isAUsageErrorNamingTheSetting() {
        Out r = main("watch", "mx", "watch.test", "every", "10s");
        assertThat(r.status()).isEqualTo(Main.EXIT_USAGE);
        assertThat(r.err()).contains("MXDOCTOR_WATCH_MIN_EVERY");
        env.put("MXDOCTOR_WATCH_MIN_EVERY", "often");
        assertThat(main("watch", "mx", "watch.test").err()).contains("MXDOCTOR_WATCH_MIN_EVERY: 'often' is not a "
                + "duration");
    }

    @Test
    void watchListAndStop_readAndStopTheBotsWatchesInTheSharedHistory() throws Exception {
        try (History history = History.open(env.get("MXDOCTOR_DB"), clock, History.Budgets.DEFAULT)) {
            history.createWatch(WatchRecord.create("w1234567", Optional.empty(), "C1", Optional.empty(), "U1",
                    "smtptest alice@watch.test", Duration.ofMinutes(5), T0, T0.plus(Duration.ofHours(4)), true),
                    Duration.ofSeconds(30));
        }
        Out list = main("watch", "list");
        assertThat(list.status()).isZero();
        assertThat(list.out()).contains("w1234567").contains("smtptest alice@watch.test").contains("every 5m")
                .contains("until 18:00 UTC").contains("(C1, by U1)");
        Out json = main("watch", "list", "--json");
        assertThat(JsonParser.parseString(json.out()).getAsJsonArray().get(0).getAsJsonObject().get("untilOk")
                .getAsBoolean()).isTrue();
        Out stop = main("watch", "stop", "w1234567");
        assertThat(stop.status()).isZero();
        assertThat(stop.out()).contains("watch w1234567 stops");
        assertThat(main("watch", "list").out()).contains("stopping");
        Out again = main("watch", "stop", "w1234567");
        assertThat(again.status()).isEqualTo(1);
        assertThat(again.err()).contains("no live watch w1234567");
    }
}
