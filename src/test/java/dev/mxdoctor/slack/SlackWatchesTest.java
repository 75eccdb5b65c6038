package dev.mxdoctor.slack;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import dev.mxdoctor.Config;
import dev.mxdoctor.Engine;
import dev.mxdoctor.history.History;
import dev.mxdoctor.history.RunSummary;
import dev.mxdoctor.ops.Metrics;
import dev.mxdoctor.testing.FakeDnsServer;
import dev.mxdoctor.testing.FakeSlack;
import dev.mxdoctor.testing.FakeSlack.Call;
import dev.mxdoctor.testing.FakeSmtpServer;
import dev.mxdoctor.testing.MutableClock;
import dev.mxdoctor.testing.SlackPayloads;
import dev.mxdoctor.testing.TcpProxy;
import dev.mxdoctor.testing.Zones;
import dev.mxdoctor.watch.WatchSettings;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Watches end to end: the real Bolt app through the fake Slack, real checks against an in-process DNS and mail
 * server behind a proxy that the test turns off and on, a real SQLite history, and a clock that moves only when the
 * test says; each round is driven by the test and waited for.
 */
class SlackWatchesTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final Instant T0 = Instant.parse("2026-12-01T14:00:00Z");

    private FakeDnsServer dns;
    private FakeSmtpServer mx;
    private TcpProxy proxy;
    private Engine engine;
    private FakeSlack slack;
    private History history;
    private SlackBot bot;
    private final MutableClock clock = new MutableClock(T0);
    private final AtomicInteger checks = new AtomicInteger();

    @org.junit.jupiter.api.io.TempDir
    java.nio.file.Path dir;

    @BeforeEach
    void setUp() throws Exception {
        mx = FakeSmtpServer.start(new InetSocketAddress("127.0.3.71", 0));
        proxy = new TcpProxy(mx.address(), TcpProxy.Mode.FORWARD);
        dns = FakeDnsServer.start(Zones.zone("watch.test", "@ MX 10 mx1", "mx1 A 127.0.0.1"),
                Zones.zone("other.test", "@ MX 10 mx1", "mx1 A 127.0.0.1"));
        engine = new Engine(Config.fromEnvironment(Map.of("MXDOCTOR_DNS", "127.0.0.1:" + dns.port(),
                "MXDOCTOR_NS_PORT", String.valueOf(dns.port()), "MXDOCTOR_SMTP_PORT", String.valueOf(proxy.port()),
                "MXDOCTOR_ALLOW_TARGETS", "127.0.0.0/8", "MXDOCTOR_HELO", "mxdoctor.test", "MXDOCTOR_PING", "off")),
                clock);
        slack = new FakeSlack();
        history = openHistory();
    }

    private History openHistory() {
        return History.open("jdbc:sqlite:" + dir.resolve("history.db"), clock, History.Budgets.DEFAULT);
    }

    @AfterEach
    void tearDown() {
        if (bot != null) {
            bot.close();
        }
        history.close();
        slack.close();
        engine.close();
        proxy.close();
        dns.close();
        mx.close();
    }

    private SlackBot bot(Map<String, String> extra) throws Exception {
        Map<String, String> env = new HashMap<>(Map.of("SLACK_BOT_TOKEN", "xoxb-test", "SLACK_APP_TOKEN",
                "xapp-test", "SLACK_API_URL", slack.apiUrl(), "MXDOCTOR_SLACK_POST_INTERVAL_MS", "0",
                "MXDOCTOR_HTTP_PORT", "0"));
        env.putAll(extra);
        dev.mxdoctor.SettingsReader r = new dev.mxdoctor.SettingsReader(env);
        WatchSettings watches = WatchSettings.read(r);
        bot = new SlackBot(SlackSettings.fromEnvironment(env), watches, (invocation, progress) -> {
            checks.incrementAndGet();
            return engine.run(invocation, progress);
        }, history, new Metrics(), clock);
        bot.start(Duration.ofDays(90));
        return bot;
    }

    private SlackBot bot() throws Exception {
        return bot(Map.of());
    }

    /** Starts a watch with a slash command in {@code channel}; returns its id once its first answer is out. */
    private String startWatch(String text, String channel) throws Exception {
        return startWatch(text, channel, "U0ALICE");
    }

    private String startWatch(String text, String channel, String user) throws Exception {
        slack.sendEnvelope("slash_commands", SlackPayloads.slash("/mxdoctor", text, channel, user,
                slack.responseUrl("r-" + channel)), 0);
        Call status = slack.await(cs -> !statusLines(cs, channel).isEmpty(), WAIT, "the watch's status line in "
                + channel).stream().filter(c -> isStatus(c, channel)).findFirst().orElseThrow();
        return status.param("blocks").replaceAll("(?s).*\"action_id\":\"watch_stop\",\"value\":\"(w[0-9a-f]+)\".*",
                "$1");
    }

    private static boolean isStatus(Call c, String channel) {
        return c.method().equals("chat.update") && channel.equals(c.param("channel"))
                && c.param("blocks").contains("watch_status");
    }

    private static List<Call> statusLines(List<Call> calls, String channel) {
        return calls.stream().filter(c -> isStatus(c, channel)).toList();
    }

    private String lastStatus(String channel) {
        List<Call> s = statusLines(slack.calls(), channel);
        return s.get(s.size() - 1).param("blocks");
    }

    private List<Call> changeReplies(String channel) {
        return slack.calls("chat.postMessage").stream().filter(c -> channel.equals(c.param("channel"))
                && c.param("text").startsWith("What changed:")).toList();
    }

    private List<Call> notes(String channel, String containing) {
        return slack.calls("chat.postMessage").stream().filter(c -> channel.equals(c.param("channel"))
                && c.param("blocks") != null && c.param("blocks").contains(containing)).toList();
    }

    /** Moves the clock by {@code d} and runs one round, waiting for the checks it started. */
    private void round(Duration d) throws Exception {
        clock.advance(d);
        bot.watches().tick().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    private String parentTs(String channel) {
        return statusLines(slack.calls(), channel).get(0).param("ts");
    }

    @Test
    void watch_reportsEachChangeOnceInTheThreadAndKeepsTheStatusLineCurrent() throws Exception {
        bot();
        String id = startWatch("watch mx watch.test every 5m for 1h", "C1");
        assertThat(lastStatus("C1")).contains("Watching every 5m until 15:00 UTC").contains("1 check")
                .contains("next 14:05").contains("Stop watching").contains(id).doesNotContain("\"rerun\"");
        round(Duration.ofMinutes(5));
        assertThat(changeReplies("C1")).as("nothing changed").isEmpty();
        proxy.mode(TcpProxy.Mode.REFUSE); // the mail host goes away
        round(Duration.ofMinutes(5));
        round(Duration.ofMinutes(5));
        assertThat(changeReplies("C1")).as("told once, not at every check").hasSize(1);
        assertThat(changeReplies("C1").get(0).param("blocks")).contains("What changed since 14:00 UTC")
                .contains("verdict ok → ").contains(id);
        proxy.mode(TcpProxy.Mode.FORWARD); // and comes back
        round(Duration.ofMinutes(5));
        round(Duration.ofMinutes(5));
        List<Call> changes = changeReplies("C1");
        assertThat(changes).hasSize(2);
        assertThat(changes.get(1).param("blocks")).contains("What changed since 14:10 UTC").contains("→ ok");
        assertThat(changes).allSatisfy(c -> assertThat(c.param("thread_ts")).isEqualTo(parentTs("C1")));
        assertThat(lastStatus("C1")).contains("6 checks").contains("last checked 14:25 UTC (ok)")
                .contains("next 14:30");
        List<RunSummary> runs = history.latest(Optional.of("watch.test"), Optional.empty(), 100);
        assertThat(runs).hasSize(6).allSatisfy(r -> {
            assertThat(r.channel()).contains("C1");
            assertThat(r.requester()).isEqualTo("U0ALICE");
        });
        String metrics = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://127.0.0.1:" + bot.opsPort() + "/metrics")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        assertThat(metrics).contains("mxdoctor_watches_held 1.0").contains("mxdoctor_watch_checks_running 0.0");
    }

    @Test
    void watch_untilOk_endsAtTheFirstOkAndSaysSo() throws Exception {
        bot();
        proxy.mode(TcpProxy.Mode.REFUSE);
        String id = startWatch("watch mx watch.test every 5m until ok", "C2");
        assertThat(lastStatus("C2")).contains("or until OK");
        round(Duration.ofMinutes(5));
        assertThat(changeReplies("C2")).isEmpty();
        proxy.mode(TcpProxy.Mode.FORWARD);
        round(Duration.ofMinutes(5));
        assertThat(changeReplies("C2")).hasSize(1);
        assertThat(notes("C2", "ended: the verdict is OK (until ok)")).hasSize(1);
        assertThat(lastStatus("C2")).contains("Watch `" + id + "` ended").doesNotContain("Stop watching");
        int before = checks.get();
        round(Duration.ofMinutes(5));
        assertThat(checks.get()).as("an ended watch checks no more").isEqualTo(before);
    }

    @Test
    void watch_endsAtItsTime() throws Exception {
        bot();
        startWatch("watch mx watch.test every 5m for 10m", "C3");
        round(Duration.ofMinutes(5));
        assertThat(notes("C3", "ended")).isEmpty();
        round(Duration.ofMinutes(5));
        assertThat(notes("C3", "ended: its 10m are up (3 checks, last verdict ok)")).hasSize(1);
        int before = checks.get();
        round(Duration.ofMinutes(5));
        assertThat(checks.get()).isEqualTo(before);
    }

    @Test
    void watch_stoppedByCommandOrButton_saysWhoStoppedItInItsThread() throws Exception {
        bot();
        String first = startWatch("watch mx watch.test", "C4");
        String second = startWatch("watch mx other.test", "C5");
        // Someone elsewhere may not stop it; someone in its conversation may.
        slack.sendEnvelope("slash_commands", SlackPayloads.slash("/mxdoctor", "watch stop " + first, "C9", "U0BOB",
                slack.responseUrl("stop-elsewhere")), 0);
        assertThat(responseText("stop-elsewhere")).contains("belongs to <#C4>");
        slack.sendEnvelope("slash_commands", SlackPayloads.slash("/mxdoctor", "watch stop " + first, "C4", "U0BOB",
                slack.responseUrl("stop-here")), 0);
        assertThat(responseText("stop-here")).contains("stopping watch `" + first + "`");
        slack.await(cs -> !notes("C4", "ended: stopped by <@U0BOB>").isEmpty(), WAIT, "the stop said in C4");
        slack.sendEnvelope("interactive", stopClick(second, "C5"), 0);
        slack.await(cs -> !notes("C5", "ended: stopped by <@U0CAROL>").isEmpty(), WAIT, "the Stop button");
        slack.await(cs -> lastStatus("C5").contains("` ended · stopped by <@U0CAROL>"), WAIT, "the final status line");
        assertThat(lastStatus("C5")).doesNotContain("Stop watching");
        int before = checks.get();
        round(Duration.ofMinutes(5));
        assertThat(checks.get()).isEqualTo(before);
        slack.sendEnvelope("slash_commands", SlackPayloads.slash("/mxdoctor", "watch stop " + first, "C4", "U0BOB",
                slack.responseUrl("stop-again")), 0);
        assertThat(responseText("stop-again")).contains("already ended");
    }

    private String responseText(String id) throws InterruptedException {
        return slack.await(cs -> cs.stream().anyMatch(c -> c.method().equals("response_url:" + id)), WAIT, id)
                .stream().filter(c -> c.method().equals("response_url:" + id)).findFirst().orElseThrow()
                .param("text");
    }

    private JsonObject stopClick(String id, String channel) {
        return SlackPayloads.click("U0CAROL", channel, "1700000000.000900", "watch_stop", id, slack.responseUrl("c"));
    }

    @Test
    void watch_afterARestart_resumesAndSaysTheGapOnlyInTheStatusLine() throws Exception {
        bot();
        String id = startWatch("watch mx watch.test every 5m for 2h", "C6");
        round(Duration.ofMinutes(5));
        bot.shutdown(Duration.ofSeconds(5)); // a deploy: the watch is let go, and kept in the database
        bot = null;
        history.close();
        history = openHistory();
        clock.advance(Duration.ofMinutes(20));
        int posts = slack.calls("chat.postMessage").size();
        bot();
        round(Duration.ZERO);
        assertThat(lastStatus("C6")).contains("3 checks").contains("no checks between 14:10 and 14:25 UTC")
                .contains(id).contains("Stop watching");
        assertThat(slack.calls("chat.postMessage")).as("nothing changed, so nothing is posted").hasSize(posts);
        proxy.mode(TcpProxy.Mode.REFUSE);
        round(Duration.ofMinutes(5));
        assertThat(changeReplies("C6")).hasSize(1);
        assertThat(changeReplies("C6").get(0).param("thread_ts")).isEqualTo(parentTs("C6"));
        assertThat(lastStatus("C6")).doesNotContain("no checks between");
    }

    @Test
    void identicalWatches_shareOneCheck() throws Exception {
        bot();
        startWatch("watch mx watch.test every 5m", "C7");
        startWatch("watch mx watch.test every 5m", "C8", "U0BOB");
        int before = checks.get();
        round(Duration.ofMinutes(5));
        assertThat(checks.get() - before).as("one check for both").isEqualTo(1);
        assertThat(lastStatus("C7")).contains("2 checks");
        assertThat(lastStatus("C8")).contains("2 checks");
    }

    @Test
    void limits_andBounds_areSaidWithTheSettingThatSetsThem() throws Exception {
        bot(Map.of("MXDOCTOR_WATCHES_PER_USER", "1"));
        startWatch("watch mx watch.test", "C10");
        slack.sendEnvelope("slash_commands", SlackPayloads.slash("/mxdoctor", "watch mx other.test",
                "C10", "U0ALICE", slack.responseUrl("again")), 0);
        assertThat(responseText("again")).contains("you already have 1 watches").contains("MXDOCTOR_WATCHES_PER_USER");
        slack.sendEnvelope("slash_commands", SlackPayloads.slash("/mxdoctor",
                "watch mx other.test every 10s", "C10", "U0BOB", slack.responseUrl("often")), 0);
        assertThat(responseText("often")).contains("MXDOCTOR_WATCH_MIN_EVERY");
        slack.sendEnvelope("slash_commands", SlackPayloads.slash("/mxdoctor", "watch list", "C10", "U0BOB",
                slack.responseUrl("list")), 0);
        assertThat(responseText("list")).contains("Watches in this conversation").contains("`mx watch.test`")
                .contains("by <@U0ALICE>");
    }

    @Test
    void watch_whoseFirstCheckOutlastsTheInterval_isAnsweredOnce() throws Exception {
        bot();
        mx.greetingDelay(Duration.ofSeconds(2)); // the first check is still under way when the next is due
        slack.sendEnvelope("slash_commands", SlackPayloads.slash("/mxdoctor", "watch mx watch.test every 5m", "C13",
                "U0ALICE", slack.responseUrl("slow")), 0);
        slack.await(cs -> cs.stream().anyMatch(c -> c.method().equals("chat.postMessage")
                && "C13".equals(c.param("channel"))), WAIT, "the first check's message");
        round(Duration.ofMinutes(6));
        slack.await(cs -> !statusLines(cs, "C13").isEmpty(), WAIT, "the first answer");
        assertThat(slack.calls("chat.postMessage").stream().filter(c -> "C13".equals(c.param("channel"))
                && c.param("thread_ts") == null)).as("one parent message").hasSize(1);
    }

    @Test
    void watch_withoutAHistory_isRefusedSayingWhy() throws Exception {
        history.close();
        history = History.disabled(clock);
        bot();
        slack.sendEnvelope("slash_commands", SlackPayloads.slash("/mxdoctor", "watch mx watch.test",
                "C12", "U0ALICE", slack.responseUrl("nodb")), 0);
        assertThat(responseText("nodb")).contains("watches are kept in the history database")
                .contains("MXDOCTOR_DB=none");
        assertThat(checks.get()).isZero();
    }

    @Test
    void watchButton_underAnAnswer_startsAWatchInItsThread() throws Exception {
        bot();
        slack.sendEnvelope("interactive", SlackPayloads.click("U0ALICE", "C11", "1700000000.000900", "watch",
                "mx watch.test", slack.responseUrl("w")), 0);
        slack.await(cs -> !statusLines(cs, "C11").isEmpty(), WAIT, "the watch's status line");
        assertThat(slack.calls("chat.postMessage").stream().filter(c -> "C11".equals(c.param("channel"))))
                .allSatisfy(c -> assertThat(c.param("thread_ts")).isEqualTo("1700000000.000900"));
        assertThat(lastStatus("C11")).contains("Watching every 5m until 18:00 UTC");
    }
}
