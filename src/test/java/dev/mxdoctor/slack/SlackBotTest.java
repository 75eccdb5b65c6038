package dev.mxdoctor.slack;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.mxdoctor.Config;
import dev.mxdoctor.Engine;
import dev.mxdoctor.check.Progress;
import dev.mxdoctor.command.Invocation;
import dev.mxdoctor.diagnosis.Verdict;
import dev.mxdoctor.history.History;
import dev.mxdoctor.testing.SlackPayloads;
import dev.mxdoctor.testing.TcpProxy;
import dev.mxdoctor.report.Report;
import dev.mxdoctor.testing.FakeDnsServer;
import dev.mxdoctor.testing.FakeSlack;
import dev.mxdoctor.testing.FakeSlack.Call;
import dev.mxdoctor.testing.FakeSmtpServer;
import dev.mxdoctor.testing.Zones;
import java.net.InetSocketAddress;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.function.BiFunction;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The real Bolt app end to end through a local fake Slack, over real HTTP and WebSocket; the DNS and mail servers
 * are the in-process fakes, so the assertions can be exact.
 */
class SlackBotTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    /**
     * Most tests here follow a run through its "Checking…" message and the answer in its place, so the notice comes at
     * once (0); the default, where an answer out within a second is the run's only message, has tests of its own.
     */
    private static final String CHECKING_NOTICE = "MXDOCTOR_CHECKING_NOTICE_MS";
    private static final String SECRET = "test-signing-secret";

    private static FakeDnsServer dns;
    private static FakeSmtpServer mx1;
    private static Engine engine;

    private FakeSlack slack;
    private SlackBot bot;
    private History history;

    @org.junit.jupiter.api.io.TempDir
    java.nio.file.Path dir;

    @BeforeAll
    static void servers() {
        mx1 = FakeSmtpServer.start(new InetSocketAddress("127.0.3.61", 0));
        dns = FakeDnsServer.start(Zones.zone("ok.test", "@ MX 10 mx1", "mx1 A 127.0.3.61"));
        engine = new Engine(Config.fromEnvironment(Map.of("MXDOCTOR_DNS", "127.0.0.1:" + dns.port(),
                "MXDOCTOR_NS_PORT", String.valueOf(dns.port()), "MXDOCTOR_SMTP_PORT", String.valueOf(mx1.port()),
                "MXDOCTOR_ALLOW_TARGETS", "127.0.0.0/8", "MXDOCTOR_HELO", "mxdoctor.test", "MXDOCTOR_PING", "off")),
                Clock.systemUTC());
    }

    @AfterAll
    static void stopServers() {
        engine.close();
        dns.close();
        mx1.close();
    }

    @BeforeEach
    void fakeSlack() {
        slack = new FakeSlack();
        history = History.open("jdbc:sqlite:" + dir.resolve("history.db"), Clock.systemUTC(),
                History.Budgets.DEFAULT);
    }

    @AfterEach
    void stop() {
        if (bot != null) {
            bot.close();
        }
        history.close();
        slack.close();
    }

    private SlackBot socketBot(BiFunction<Invocation, Progress, Report> checks) throws Exception {
        return socketBot(checks, Map.of());
    }

    private SlackBot socketBot(BiFunction<Invocation, Progress, Report> checks, Map<String, String> extra)
            throws Exception {
        Map<String, String> env = new HashMap<>(Map.of("SLACK_BOT_TOKEN", "xoxb-test", "SLACK_APP_TOKEN",
                "xapp-test", "SLACK_API_URL", slack.apiUrl(), "MXDOCTOR_SLACK_POST_INTERVAL_MS", "0",
                "MXDOCTOR_HTTP_PORT", "0", CHECKING_NOTICE, "0"));
        env.putAll(extra);
        bot = new SlackBot(SlackSettings.fromEnvironment(env), checks, history, new dev.mxdoctor.ops.Metrics());
        bot.start(Duration.ofDays(90));
        return bot;
    }

    private SlackBot socketBot() throws Exception {
        return socketBot(engine::run);
    }

    private SlackBot httpBot() throws Exception {
        bot = new SlackBot(SlackSettings.fromEnvironment(Map.of("SLACK_BOT_TOKEN", "xoxb-test",
                "SLACK_SIGNING_SECRET", SECRET, "SLACK_API_URL", slack.apiUrl(), "MXDOCTOR_HTTP_PORT", "0",
                "MXDOCTOR_SLACK_POST_INTERVAL_MS", "0", CHECKING_NOTICE, "0")), engine::run, history,
                new dev.mxdoctor.ops.Metrics());
        bot.start(Duration.ofDays(90));
        return bot;
    }

    private static JsonObject slashPayload(String command, String text, String channel, String responseUrl) {
        return SlackPayloads.slash(command, text, channel, "U0ALICE", responseUrl);
    }

    private static JsonObject event(String eventId, JsonObject event) {
        return SlackPayloads.event(eventId, event);
    }

    private static JsonObject mention(String text, String channel, String ts, String threadTs) {
        return SlackPayloads.mention(text, channel, "U0ALICE", ts, threadTs);
    }

    private static JsonObject homeOpened() {
        return homeOpened("U0ALICE");
    }

    private static JsonObject homeOpened(String user) {
        JsonObject e = new JsonObject();
        e.addProperty("type", "app_home_opened");
        e.addProperty("user", user);
        e.addProperty("channel", "D0HOME");
        e.addProperty("tab", "home");
        e.addProperty("event_ts", "1700000000.000001");
        return e;
    }

    /** Waits until the run's summary (a chat.update with a verdict) and all its thread replies are in. */
    private List<Call> awaitRun(String channel) throws InterruptedException {
        return slack.await(calls -> calls.stream().anyMatch(c -> c.method().equals("chat.update")
                && c.param("channel").equals(channel) && c.param("blocks").contains("Re-run"))
                && calls.stream().anyMatch(c -> c.method().equals("chat.postMessage") && c.param("thread_ts") != null
                        && c.param("channel").equals(channel) && c.param("blocks").contains("Transcript, part")),
                WAIT, "a complete run in " + channel);
    }

    private static List<Call> of(List<Call> calls, String method, String channel) {
        return calls.stream().filter(c -> c.method().equals(method) && channel.equals(c.param("channel"))).toList();
    }

    @Test
    void theCheckRuns_whileSlackIsSlowToTakeTheFirstMessage_andTheAnswerReplacesIt() throws Exception {
        // Under load Slack's answer to "Checking…" can take as long as the check: the check must not wait for it.
        java.util.concurrent.CountDownLatch release = slack.hold("chat.postMessage");
        java.util.concurrent.CountDownLatch checked = new java.util.concurrent.CountDownLatch(1);
        socketBot((invocation, progress) -> {
            progress.update("asking the MX hosts…"); // no message to update yet: dropped, never an error
            Report r = engine.run(invocation, progress);
            checked.countDown();
            return r;
        });
        String envelope = slack.sendEnvelope("slash_commands", slashPayload("/mx", "ok.test", "C7",
                slack.responseUrl("r7")), 0);
        slack.awaitAck(envelope, WAIT);
        assertThat(checked.await(WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS))
                .as("the check finished while its first message was still on its way").isTrue();
        assertThat(slack.calls()).extracting(Call::method).doesNotContain("chat.postMessage", "chat.update");
        release.countDown();
        List<Call> calls = awaitRun("C7");
        Call parent = of(calls, "chat.postMessage", "C7").get(0);
        assertThat(parent.param("text")).isEqualTo("Checking MX for ok.test…");
        List<Call> updates = of(calls, "chat.update", "C7");
        assertThat(updates).hasSize(1);
        assertThat(updates.get(0).param("ts")).isEqualTo(parent.ts());
        assertThat(updates.get(0).param("text")).startsWith("OK: Mail for ok.test goes to mx1.ok.test");
    }

    @Test
    void quickAnswer_isTheRunsOnlyMessage_withItsTranscriptInItsThread_runAfterRun_andAfterARestart() throws Exception {
        for (String channel : List.of("CQ1", "CQ2", "CQ3")) {
            if (!channel.equals("CQ2")) { // the third answer comes from a bot started anew on the same history
                if (bot != null) {
                    bot.close();
                }
                socketBot(engine::run, Map.of(CHECKING_NOTICE, "60000")); // never due: every answer comes first
            }
            slack.sendEnvelope("slash_commands", slashPayload("/mx", "ok.test", channel, slack.responseUrl(channel)),
                    0);
            List<Call> calls = slack.await(cs -> cs.stream().anyMatch(c -> c.method().equals("chat.postMessage")
                    && channel.equals(c.param("channel")) && c.param("blocks").contains("Transcript, part")), WAIT,
                    "the answer and its transcript in " + channel);
            List<Call> posts = of(calls, "chat.postMessage", channel);
            Call summary = posts.get(0);
            assertThat(summary.param("thread_ts")).isNull();
            assertThat(summary.param("text")).startsWith("OK: Mail for ok.test goes to mx1.ok.test");
            assertThat(summary.param("blocks")).contains("Re-run").contains("asked by <@U0ALICE>");
            assertThat(posts.subList(1, posts.size())).isNotEmpty()
                    .allSatisfy(r -> assertThat(r.param("thread_ts")).isEqualTo(summary.ts()));
            assertThat(of(calls, "chat.update", channel)).isEmpty();
            assertThat(posts).noneSatisfy(c -> assertThat(c.param("text")).startsWith("Checking"));
        }
        assertThat(history.awaitWrites(WAIT)).isTrue();
        assertThat(history.latest(java.util.Optional.of("ok.test"), java.util.Optional.empty(), 5)).hasSize(3)
                .allSatisfy(r -> assertThat(r.state()).isEqualTo("done"));
    }

    @Test
    void slowCheck_saysCheckingOnceTheNoticeIsDue_andTheAnswerTakesThatMessagesPlace() throws Exception {
        CountDownLatch noticed = new CountDownLatch(1);
        socketBot((invocation, progress) -> {
            progress.update("Asking the MX hosts of ok.test…"); // before the notice: nothing to update, no error
            try {
                noticed.await(); // the check goes on only once its message is out: no timing guessed
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return engine.run(invocation, progress);
        }, Map.of(CHECKING_NOTICE, "100"));
        slack.sendEnvelope("slash_commands", slashPayload("/mx", "ok.test", "CSL", slack.responseUrl("rsl")), 0);
        Call parent = slack.await(cs -> !of(cs, "chat.postMessage", "CSL").isEmpty(), WAIT, "the notice").stream()
                .filter(c -> c.method().equals("chat.postMessage") && "CSL".equals(c.param("channel"))).findFirst()
                .orElseThrow();
        assertThat(parent.param("text")).isEqualTo("Checking MX for ok.test…");
        assertThat(parent.param("blocks")).contains("Cancel");
        noticed.countDown();
        List<Call> calls = awaitRun("CSL");
        Call summary = of(calls, "chat.update", "CSL").stream().filter(c -> c.param("blocks").contains("Re-run"))
                .findFirst().orElseThrow();
        assertThat(summary.param("ts")).isEqualTo(parent.ts());
        assertThat(of(calls, "chat.postMessage", "CSL").stream().filter(c -> c.param("thread_ts") == null))
                .containsExactly(parent);
    }

    @Test
    void slashCommand_overSocketMode_acksThenPostsSummaryAndThreadedTranscript() throws Exception {
        socketBot();
        String envelope = slack.sendEnvelope("slash_commands", slashPayload("/mx", "ok.test", "C1",
                slack.responseUrl("r1")), 0);
        JsonObject ack = slack.awaitAck(envelope, WAIT);
        assertThat(ack.get("envelope_id").getAsString()).isEqualTo(envelope);
        List<Call> calls = awaitRun("C1");
        assertThat(slack.calls("auth.test")).isNotEmpty();
        Call parent = of(calls, "chat.postMessage", "C1").get(0);
        assertThat(parent.param("thread_ts")).isNull();
        assertThat(parent.param("text")).isEqualTo("Checking MX for ok.test…");
        assertThat(parent.param("blocks")).contains("Cancel");
        assertThat(parent.token()).isEqualTo("xoxb-test");
        String parentTs = parent.ts();
        Call summary = of(calls, "chat.update", "C1").stream().filter(c -> c.param("blocks").contains("Re-run"))
                .findFirst().orElseThrow();
        assertThat(summary.param("ts")).isEqualTo(parentTs);
        assertThat(summary.param("text")).startsWith("OK: Mail for ok.test goes to mx1.ok.test");
        assertThat(summary.param("blocks")).contains(":large_green_circle:").contains("asked by <@U0ALICE>")
                .contains("127.0.3.61");
        List<Call> replies = of(calls, "chat.postMessage", "C1").stream().filter(c -> c.param("thread_ts") != null)
                .toList();
        assertThat(replies).allSatisfy(r -> assertThat(r.param("thread_ts")).isEqualTo(parentTs));
        String thread = replies.stream().map(r -> r.param("blocks")).collect(Collectors.joining());
        assertThat(thread).contains("TLS_NOT_OFFERED").contains("C: EHLO mxdoctor.test")
                .contains("S: 220 fake.test ESMTP ready");
    }

    @Test
    void runs_areRecordedAndTheSecondSaysWhatChanged() throws Exception {
        socketBot();
        slack.sendEnvelope("slash_commands", slashPayload("/mx", "ok.test", "C12", slack.responseUrl("r12")), 0);
        awaitRun("C12");
        mx1.reply("EHLO", "250-fake.test", "250 STARTTLS");
        try {
            slack.sendEnvelope("slash_commands", slashPayload("/mx", "ok.test", "C13", slack.responseUrl("r13")), 0);
            List<Call> calls = awaitRun("C13");
            assertThat(of(calls, "chat.update", "C13").stream().filter(c -> c.param("blocks").contains("Re-run"))
                    .findFirst().orElseThrow().param("blocks")).contains("What changed since the previous run")
                    .contains("cleared: TLS_NOT_OFFERED on mx1.ok.test");
        } finally {
            mx1.reply("EHLO", "250-fake.test", "250-PIPELINING", "250-SIZE 10240000", "250 8BITMIME");
        }
        List<dev.mxdoctor.history.RunSummary> runs = history.latest(java.util.Optional.of("ok.test"),
                java.util.Optional.empty(), 10);
        assertThat(runs).hasSize(2).allSatisfy(r -> {
            assertThat(r.requester()).isEqualTo("U0ALICE");
            assertThat(r.state()).isEqualTo("done");
        });
        assertThat(runs.get(0).channel()).contains("C13");
        slack.sendEnvelope("slash_commands", slashPayload("/mxdoctor", "history ok.test", "C13",
                slack.responseUrl("r14")), 0);
        // Read off the ack path, answered privately through the response_url.
        assertThat(slack.await(cs -> cs.stream().anyMatch(c -> c.method().equals("response_url:r14")), WAIT,
                "the history").stream().filter(c -> c.method().equals("response_url:r14")).findFirst().orElseThrow()
                .param("text"))
                .contains("`mx ok.test` by <@U0ALICE>").contains("cleared: TLS_NOT_OFFERED")
                .contains("https://slack.com/archives/C13/p");
    }

    @Test
    void homeTab_listsTheViewersRunsWithReRunButtonsThatWork() throws Exception {
        socketBot();
        slack.member("U0ALICE", "C16");
        slack.sendEnvelope("slash_commands", slashPayload("/mx", "ok.test", "C16", slack.responseUrl("r16")), 0);
        awaitRun("C16");
        slack.sendEnvelope("events_api", event("Ev16", homeOpened()), 0);
        Call publish = slack.await(cs -> cs.stream().anyMatch(c -> c.method().equals("views.publish")), WAIT,
                "views.publish").stream().filter(c -> c.method().equals("views.publish")).findFirst().orElseThrow();
        assertThat(publish.param("view")).contains("rerun_home").contains("C16|").contains("mx ok.test");
        String value = publish.param("view").replaceAll("(?s).*\"action_id\":\"rerun_home\",\"value\":\"([^\"]*)\".*",
                "$1");
        slack.sendEnvelope("interactive", homeClick("U0ALICE", value), 0);
        slack.await(cs -> of(cs, "chat.update", "C16").stream().filter(c -> c.param("blocks").contains("Re-run"))
                .count() >= 2, WAIT, "the re-run from the Home tab");
    }

    private static JsonObject homeClick(String user, String value) {
        JsonObject click = JsonParser.parseString("{\"type\":\"block_actions\",\"user\":{\"id\":\"" + user
                + "\"},\"api_app_id\":\"A0FAKE\",\"team\":{\"id\":\"T0FAKE\"},\"container\":{\"type\":\"view\","
                + "\"view_id\":\"V1\"},\"trigger_id\":\"t\",\"actions\":[{\"action_id\":\"rerun_home\","
                + "\"block_id\":\"b\",\"type\":\"button\",\"action_ts\":\"1\"}]}").getAsJsonObject();
        click.getAsJsonArray("actions").get(0).getAsJsonObject().addProperty("value", value);
        return click;
    }

    @Test
    void privateRuns_areShownOnlyToMembersOfTheirConversation_andARerunFromOutsideGoesToADirectMessage()
            throws Exception {
        socketBot();
        slack.member("U0BOB", "C18");
        slack.sendEnvelope("slash_commands", slashPayload("/mx", "secret.test", "C17", slack.responseUrl("r17")), 0);
        awaitRunSummary("C17");
        slack.sendEnvelope("slash_commands", slashPayload("/mx", "ok.test", "C18", slack.responseUrl("r18")), 0);
        awaitRun("C18");
        assertThat(history.awaitWrites(WAIT)).isTrue();

        // Bob's Home tab: the run of the channel he is in, not that of the private one he is not in.
        slack.sendEnvelope("events_api", event("Ev17", homeOpened("U0BOB")), 0);
        String view = slack.await(cs -> cs.stream().anyMatch(c -> c.method().equals("views.publish")
                && "U0BOB".equals(c.param("user_id"))), WAIT, "Bob's home").stream()
                .filter(c -> c.method().equals("views.publish")).findFirst().orElseThrow().param("view");
        assertThat(view).contains("mx ok.test").doesNotContain("C17").doesNotContain("secret.test");
        // Alice, who ran both, sees both.
        slack.member("U0ALICE", "C17", "C18");
        slack.sendEnvelope("events_api", event("Ev18", homeOpened("U0ALICE")), 0);
        String hers = slack.await(cs -> cs.stream().anyMatch(c -> c.method().equals("views.publish")
                && "U0ALICE".equals(c.param("user_id"))), WAIT, "Alice's home").stream()
                .filter(c -> c.method().equals("views.publish") && "U0ALICE".equals(c.param("user_id"))).findFirst()
                .orElseThrow().param("view");
        assertThat(hers).contains("secret.test").contains("ok.test");

        // Bob's `history`: the same rule.
        slack.sendEnvelope("slash_commands", SlackPayloads.slash("/mxdoctor", "history", "C18", "U0BOB",
                slack.responseUrl("r19")), 0);
        Call answer = slack.await(cs -> cs.stream().anyMatch(c -> c.method().equals("response_url:r19")), WAIT,
                "Bob's history").stream().filter(c -> c.method().equals("response_url:r19")).findFirst().orElseThrow();
        assertThat(answer.param("text") + answer.param("blocks")).contains("ok.test").doesNotContain("secret.test");

        // A Re-run of the private channel's run (as Alice's Home would offer it), clicked by Bob: into Bob's DM.
        slack.sendEnvelope("interactive", homeClick("U0BOB", "C17|1700000000.000100|mx secret.test"), 0);
        slack.await(cs -> !of(cs, "chat.postMessage", "U0BOB").isEmpty(), WAIT, "the re-run in Bob's DM");
        assertThat(slack.calls("chat.postMessage").stream().filter(c -> "C17".equals(c.param("channel")))
                .filter(c -> String.valueOf(c.param("blocks")).contains("U0BOB"))).isEmpty();
    }

    @Test
    void threadReplyRefused_afterTheSummary_keepsTheSummaryAndSaysSoInTheThread() throws Exception {
        socketBot();
        slack.refuse("chat.postMessage", p -> "C20".equals(p.get("channel")) && p.get("thread_ts") != null,
                "msg_too_long", 1);
        slack.sendEnvelope("slash_commands", slashPayload("/mx", "ok.test", "C20", slack.responseUrl("r20")), 0);
        List<Call> calls = slack.await(cs -> of(cs, "chat.postMessage", "C20").stream()
                .anyMatch(c -> c.param("blocks").contains("could not be posted")), WAIT, "the note in the thread");
        List<Call> updates = of(calls, "chat.update", "C20");
        assertThat(updates).isNotEmpty();
        assertThat(updates.get(updates.size() - 1).param("blocks")).contains("Re-run").doesNotContain("internal error");
        assertThat(history.latest(java.util.Optional.of("ok.test"), java.util.Optional.empty(), 5))
                .singleElement().satisfies(r -> assertThat(r.state()).isEqualTo("done"));
    }

    @Test
    void restartedBot_onTheSameHistory_answersAsBeforeAndKeepsWhatChanged() throws Exception {
        socketBot();
        slack.sendEnvelope("slash_commands", slashPayload("/mx", "ok.test", "C21", slack.responseUrl("r21")), 0);
        awaitRun("C21");
        bot.close();
        history.close();
        // A new process on yesterday's data: the same file, a new history and bot.
        history = History.open("jdbc:sqlite:" + dir.resolve("history.db"), Clock.systemUTC(),
                History.Budgets.DEFAULT);
        socketBot();
        mx1.reply("EHLO", "250-fake.test", "250 STARTTLS");
        try {
            slack.sendEnvelope("slash_commands", slashPayload("/mx", "ok.test", "C22", slack.responseUrl("r22")), 0);
            List<Call> calls = awaitRun("C22");
            assertThat(of(calls, "chat.update", "C22").stream().filter(c -> c.param("blocks").contains("Re-run"))
                    .findFirst().orElseThrow().param("blocks")).contains("What changed since the previous run")
                    .contains("cleared: TLS_NOT_OFFERED on mx1.ok.test");
        } finally {
            mx1.reply("EHLO", "250-fake.test", "250-PIPELINING", "250-SIZE 10240000", "250 8BITMIME");
        }
        assertThat(history.latest(java.util.Optional.of("ok.test"), java.util.Optional.empty(), 10)).hasSize(2)
                .allSatisfy(r -> assertThat(r.state()).isEqualTo("done"));
    }

    @Test
    void databaseDownThenHung_acksInTimeAnswersAndWritesTheRunsWhenItIsBack() throws Exception {
        try (io.zonky.test.db.postgres.embedded.EmbeddedPostgres pg =
                io.zonky.test.db.postgres.embedded.EmbeddedPostgres.builder().start();
                TcpProxy proxy = new TcpProxy(new InetSocketAddress("127.0.0.1", pg.getPort()),
                        TcpProxy.Mode.REFUSE)) {
            history.close();
            history = History.open("jdbc:postgresql://127.0.0.1:" + proxy.port() + "/postgres?user=postgres",
                    Clock.systemUTC(), History.Budgets.DEFAULT);
            socketBot(); // starts although its database is down
            HttpResponse<String> ready = get(bot.opsPort(), "/readyz");
            assertThat(ready.statusCode()).isEqualTo(503);
            assertThat(ready.body()).contains("history unreachable");
            answeredPromptly("slash_commands", slashPayload("/mx", "ok.test", "C30", slack.responseUrl("r30")), "C30");
            answeredPromptly("events_api", event("Ev30", mention("<@U0BOT> mx ok.test", "C31", "1700000000.000600",
                    "1700000000.000600")), "C31");
            proxy.mode(TcpProxy.Mode.HANG); // accepts connections, never answers
            history.retryNow();
            answeredPromptly("slash_commands", slashPayload("/mx", "ok.test", "C32", slack.responseUrl("r32")), "C32");
            answeredPromptly("events_api", event("Ev32", mention("<@U0BOT> mx ok.test", "C33", "1700000000.000700",
                    "1700000000.000700")), "C33");
            assertThat(of(slack.calls("chat.update"), "chat.update", "C32").stream()
                    .filter(c -> c.param("blocks").contains("Re-run")).findFirst().orElseThrow().param("blocks"))
                    .contains("not in the history (database unavailable)");
            proxy.mode(TcpProxy.Mode.FORWARD);
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            boolean written = false;
            while (!written && System.nanoTime() < deadline) {
                history.retryNow(); // instead of waiting out the back-off
                written = history.awaitWrites(Duration.ofSeconds(10));
            }
            assertThat(written).as("the runs were written once the database was back").isTrue();
            assertThat(get(bot.opsPort(), "/readyz").statusCode()).isEqualTo(200);
            assertThat(history.latest(java.util.Optional.of("ok.test"), java.util.Optional.empty(), 10)).hasSize(4)
                    .allSatisfy(r -> assertThat(r.state()).isEqualTo("done"));
        }
    }

    private static dev.mxdoctor.ops.Metrics metricsOf(Engine engine) {
        dev.mxdoctor.ops.Metrics metrics = new dev.mxdoctor.ops.Metrics();
        metrics.bind(engine);
        return metrics;
    }

    private static HttpResponse<String> get(int port, String path) throws Exception {
        return HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                "http://127.0.0.1:" + port + path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void operations_onTheirOwnPort_healthReadinessAndMetricsOfWhatHappened() throws Exception {
        bot = new SlackBot(SlackSettings.fromEnvironment(Map.of("SLACK_BOT_TOKEN", "xoxb-test",
                "SLACK_SIGNING_SECRET", SECRET, "SLACK_API_URL", slack.apiUrl(), "MXDOCTOR_HTTP_PORT", "0",
                "MXDOCTOR_OPS_PORT", "0", "MXDOCTOR_SLACK_POST_INTERVAL_MS", "0", CHECKING_NOTICE, "0")),
                engine::run, history,
                metricsOf(engine));
        bot.start(Duration.ofDays(90));
        assertThat(bot.opsPort()).isNotEqualTo(bot.httpPort());
        assertThat(get(bot.opsPort(), "/healthz").statusCode()).isEqualTo(200);
        HttpResponse<String> ready = get(bot.opsPort(), "/readyz");
        assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
        // The events port faces Slack (often the internet): no metrics there.
        assertThat(get(bot.httpPort(), "/metrics").statusCode()).isEqualTo(404);
        assertThat(postSigned(bot.httpPort(), slashForm("C70"), Instant.now().getEpochSecond(), SECRET).statusCode())
                .isEqualTo(200);
        awaitRun("C70");
        String metrics = get(bot.opsPort(), "/metrics").body();
        assertThat(metrics).containsPattern("mxdoctor_checks_total\\{command=\"mx\",verdict=\"[a-z_]+\"} 1\\.0")
                .containsPattern("mxdoctor_check_duration_seconds_bucket\\{command=\"mx\",le=\"[0-9.]+\"}")
                .contains("mxdoctor_smtp_connections_total{outcome=\"ok\"} 1.0")
                .containsPattern("mxdoctor_slack_api_calls_total\\{method=\"chat.postMessage\",outcome=\"ok\"} "
                        + "[1-9]")
                .containsPattern("mxdoctor_dns_cache_(hits|misses)_total [1-9]")
                .contains("mxdoctor_checks_running 0.0").contains("mxdoctor_checks_queued 0.0")
                .contains("mxdoctor_history_up 1.0").contains("mxdoctor_history_write_failures_total 0.0")
                .contains("jvm_memory_used_bytes").contains("process_uptime_seconds");
    }

    @Test
    void sigterm_readinessOff_newWorkRefused_theRunningCheckInterruptedRecordedAndToldWithARerun()
            throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        socketBot((inv, progress) -> {
            started.countDown();
            try {
                new CountDownLatch(1).await(); // a check that would not end by itself
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return Report.failed("mx", "slow.test", Instant.now(), "stopped");
        });
        slack.sendEnvelope("slash_commands", slashPayload("/mx", "slow.test", "C80", slack.responseUrl("r80")), 0);
        assertThat(started.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(get(bot.opsPort(), "/readyz").statusCode()).isEqualTo(200);
        Thread stopping = Thread.ofPlatform().start(() -> bot.shutdown(Duration.ofSeconds(2)));
        // While it stops: not ready, and a new command is turned away with a reason instead of being lost.
        long deadline = System.nanoTime() + WAIT.toNanos();
        HttpResponse<String> ready = get(bot.opsPort(), "/readyz");
        while (ready.statusCode() == 200 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
            ready = get(bot.opsPort(), "/readyz");
        }
        assertThat(ready.statusCode()).isEqualTo(503);
        assertThat(ready.body()).contains("shutting down");
        assertThat(bot.start("mx ok.test", "U0BOB", "C81", null, null)).hasValueSatisfying(m -> assertThat(m)
                .contains("restarting"));
        stopping.join(Duration.ofSeconds(10));
        assertThat(stopping.isAlive()).as("shutdown within its bound").isFalse();
        Call interrupted = slack.await(cs -> cs.stream().anyMatch(c -> c.method().equals("chat.postMessage")
                && "C80".equals(c.param("channel")) && String.valueOf(c.param("blocks")).contains("was interrupted")),
                WAIT, "the interrupted note").stream().filter(c -> String.valueOf(c.param("blocks"))
                        .contains("was interrupted"))
                .findFirst().orElseThrow();
        assertThat(interrupted.param("thread_ts")).as("in the run's thread").isNotNull();
        assertThat(interrupted.param("blocks")).contains("Re-run");
        assertThat(history.awaitWrites(WAIT)).isTrue();
        assertThat(history.latest(java.util.Optional.of("slow.test"), java.util.Optional.empty(), 5))
                .singleElement().satisfies(r -> assertThat(r.state()).isEqualTo("interrupted"));
        bot = null; // shut down already
    }

    /** Sends an envelope; Slack's 3-second rule for its ack is asserted, then the complete answer awaited. */
    private void answeredPromptly(String type, JsonObject payload, String channel) throws Exception {
        long sent = System.nanoTime();
        String envelope = slack.sendEnvelope(type, payload, 0);
        slack.awaitAck(envelope, WAIT);
        assertThat(Duration.ofNanos(System.nanoTime() - sent)).as("ack of " + type + " in " + channel)
                .isLessThan(Duration.ofSeconds(3));
        awaitRun(channel);
    }

    @Test
    void start_afterACrash_marksLeftRunsInterruptedAndOffersARerunInTheirThread() throws Exception {
        // Opened while the bot's history may still be making the schema: the store waits for it.
        try (dev.mxdoctor.history.HistoryStore store = dev.mxdoctor.history.HistoryStore.open(
                "jdbc:sqlite:" + dir.resolve("history.db"))) {
            // A replica elsewhere that died two hours ago (no run lasts that long).
            store.start(new dev.mxdoctor.history.RunRecord("crashed", java.util.Optional.empty(),
                    java.util.Optional.of("C15"), java.util.Optional.of("1700000000.000150"), "U0ALICE", "mx",
                    "ok.test", Instant.now().minus(Duration.ofHours(2))), "another-replica/1/1");
        }
        socketBot();
        Call note = slack.await(cs -> !of(cs, "chat.postMessage", "C15").isEmpty(), WAIT, "the interrupted note")
                .stream().filter(c -> c.method().equals("chat.postMessage")).findFirst().orElseThrow();
        assertThat(note.param("thread_ts")).isEqualTo("1700000000.000150");
        assertThat(note.param("blocks")).contains("was interrupted").contains("\"rerun\"").contains("mx ok.test");
        assertThat(history.latest(java.util.Optional.of("ok.test"), java.util.Optional.empty(), 5).get(0).state())
                .isEqualTo("interrupted");
    }

    @Test
    void slashCommand_notAllowedOrOverTheRate_isAnsweredPrivatelyWithTheSetting() throws Exception {
        socketBot(engine::run, Map.of("MXDOCTOR_SLACK_USERS", "U0ALICE", "MXDOCTOR_RATE_PER_USER", "1"));
        String send = slack.sendEnvelope("slash_commands", slashPayload("/smtptest", "alice@ok.test --send", "C40",
                slack.responseUrl("r40")), 0);
        assertThat(slack.awaitAck(send, WAIT).getAsJsonObject("payload").get("text").getAsString())
                .contains("MXDOCTOR_SEND_USERS");
        slack.sendEnvelope("slash_commands", slashPayload("/mx", "ok.test", "C41", slack.responseUrl("r41")), 0);
        awaitRun("C41");
        String again = slack.sendEnvelope("slash_commands", slashPayload("/mx", "ok.test", "C41",
                slack.responseUrl("r42")), 0);
        assertThat(slack.awaitAck(again, WAIT).getAsJsonObject("payload").get("text").getAsString())
                .contains("the next is possible in").contains("MXDOCTOR_RATE_PER_USER");
        String stranger = slack.sendEnvelope("slash_commands", SlackPayloads.slash("/mx", "ok.test", "C41", "U0BOB",
                slack.responseUrl("r43")), 0);
        assertThat(slack.awaitAck(stranger, WAIT).getAsJsonObject("payload").get("text").getAsString())
                .contains("MXDOCTOR_SLACK_USERS");
        assertThat(bot.acceptedRuns()).isEqualTo(1);
    }

    @Test
    void identicalCommandsInFlight_shareOneRunAndBothAreAnswered() throws Exception {
        java.util.concurrent.atomic.AtomicInteger runs = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.CountDownLatch secondRun = new java.util.concurrent.CountDownLatch(1);
        socketBot((inv, progress) -> {
            if (runs.incrementAndGet() == 2) {
                secondRun.countDown(); // only if sharing failed: then the first stops waiting at once
            } else {
                try {
                    // Holds the first run open while the second arrives; a bound, not a timing assumption.
                    secondRun.await(5, java.util.concurrent.TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return engine.run(inv, progress);
        });
        slack.sendEnvelope("slash_commands", slashPayload("/mx", "ok.test", "C50", slack.responseUrl("r50")), 0);
        slack.await(cs -> !of(cs, "chat.postMessage", "C50").isEmpty(), WAIT, "the first run's message");
        slack.sendEnvelope("slash_commands", SlackPayloads.slash("/mx", "ok.test", "C51", "U0BOB",
                slack.responseUrl("r51")), 0);
        awaitRun("C50");
        List<Call> calls = awaitRun("C51");
        assertThat(runs).hasValue(1);
        assertThat(of(calls, "chat.update", "C51").stream().filter(c -> c.param("blocks").contains("Re-run"))
                .findFirst().orElseThrow().param("blocks")).contains("same check started")
                .contains("by <@U0ALICE>");
        assertThat(history.latest(java.util.Optional.of("ok.test"), java.util.Optional.empty(), 5)).hasSize(2);
    }

    @Test
    void overTheRunningCap_waitsInTheQueueSaysWhereItStandsAndRunsInThatMessage() throws Exception {
        java.util.concurrent.CountDownLatch release = firstRunHoldsTheOnlyPlace(Map.of("MXDOCTOR_MAX_QUEUED", "1"));
        slack.sendEnvelope("slash_commands", slashPayload("/mx", "ok.test", "C60", slack.responseUrl("r60")), 0);
        slack.await(cs -> !of(cs, "chat.postMessage", "C60").isEmpty(), WAIT, "the first run's message");
        slack.sendEnvelope("slash_commands", SlackPayloads.slash("/mx", "other.test", "C61", "U0BOB",
                slack.responseUrl("r61")), 0);
        Call queued = slack.await(cs -> !of(cs, "chat.postMessage", "C61").isEmpty(), WAIT, "the queued message")
                .stream().filter(c -> c.method().equals("chat.postMessage") && "C61".equals(c.param("channel")))
                .findFirst().orElseThrow();
        assertThat(queued.param("blocks")).contains("Queued: yours is next").contains("Cancel");
        // The queue holds one: a third asker is told to retry, in the ack.
        String third = slack.sendEnvelope("slash_commands", SlackPayloads.slash("/mx", "third.test", "C62", "U0CAROL",
                slack.responseUrl("r62")), 0);
        assertThat(slack.awaitAck(third, WAIT).getAsJsonObject("payload").get("text").getAsString())
                .contains("mxdoctor is busy");
        release.countDown();
        awaitRunSummary("C61");
        List<Call> c61 = of(slack.calls("chat.postMessage"), "chat.postMessage", "C61").stream()
                .filter(c -> c.param("thread_ts") == null).toList();
        assertThat(c61).as("one parent message, reused when the run started").hasSize(1);
        assertThat(of(slack.calls("chat.update"), "chat.update", "C61")).allSatisfy(u ->
                assertThat(u.param("ts")).isEqualTo(queued.ts()));
    }

    @Test
    void aRunThatGetsItsPlaceSoon_showsNoQueueMessage_justItsCheck() throws Exception {
        java.util.concurrent.CountDownLatch release = firstRunHoldsTheOnlyPlace(Map.of("MXDOCTOR_QUEUE_NOTICE_MS",
                "60000"));
        slack.sendEnvelope("slash_commands", slashPayload("/mx", "ok.test", "C70", slack.responseUrl("r70")), 0);
        slack.await(cs -> !of(cs, "chat.postMessage", "C70").isEmpty(), WAIT, "the first run's message");
        String second = slack.sendEnvelope("slash_commands", SlackPayloads.slash("/mx", "other.test", "C71", "U0BOB",
                slack.responseUrl("r71")), 0);
        slack.awaitAck(second, WAIT); // queued behind the first
        release.countDown();
        awaitRunSummary("C71");
        List<Call> parents = of(slack.calls("chat.postMessage"), "chat.postMessage", "C71").stream()
                .filter(c -> c.param("thread_ts") == null).toList();
        assertThat(parents).hasSize(1);
        assertThat(parents.get(0).param("text")).isEqualTo("Checking MX for other.test…");
        assertThat(slack.calls()).noneMatch(c -> String.valueOf(c.param("blocks")).contains("Queued"));
    }

    /**
     * A bot with one place for running checks, held by the first run until the returned latch is counted down; the
     * other runs are real checks.
     */
    private java.util.concurrent.CountDownLatch firstRunHoldsTheOnlyPlace(Map<String, String> extra) throws Exception {
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.atomic.AtomicInteger runs = new java.util.concurrent.atomic.AtomicInteger();
        Map<String, String> env = new HashMap<>(extra);
        env.put("MXDOCTOR_MAX_RUNS", "1");
        socketBot((inv, progress) -> {
            if (runs.incrementAndGet() == 1) {
                try {
                    release.await(20, java.util.concurrent.TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return engine.run(inv, progress);
        }, env);
        return release;
    }

    /** Waits until the run's parent message carries its verdict (a chat.update with the Re-run button). */
    private void awaitRunSummary(String channel) throws InterruptedException {
        slack.await(cs -> cs.stream().anyMatch(c -> c.method().equals("chat.update") && channel.equals(
                c.param("channel")) && c.param("blocks").contains("Re-run")), WAIT, "the summary in " + channel);
    }

    @Test
    void slashCommand_usageError_isAnsweredPrivatelyInTheAck() throws Exception {
        socketBot();
        String envelope = slack.sendEnvelope("slash_commands", slashPayload("/mx", "exa$mple.com", "C1",
                slack.responseUrl("r2")), 0);
        JsonObject ack = slack.awaitAck(envelope, WAIT);
        assertThat(ack.getAsJsonObject("payload").get("text").getAsString())
                .contains("'$' cannot be in a host name").contains("usage: mx &lt;domain&gt;");
        assertThat(bot.acceptedRuns()).isZero();
        assertThat(slack.calls("chat.postMessage")).isEmpty();
    }

    @Test
    void mentionInThread_isAnsweredInThatThread() throws Exception {
        socketBot();
        slack.sendEnvelope("events_api", event("Ev1", mention("<@U0BOT> mx ok.test", "C2", "1700000000.000500",
                "1700000000.000100")), 0);
        List<Call> calls = awaitRun("C2");
        assertThat(of(calls, "chat.postMessage", "C2")).isNotEmpty()
                .allSatisfy(c -> assertThat(c.param("thread_ts")).isEqualTo("1700000000.000100"));
    }

    @Test
    void directMessage_isACommandToo() throws Exception {
        socketBot();
        JsonObject e = new JsonObject();
        e.addProperty("type", "message");
        e.addProperty("channel_type", "im");
        e.addProperty("user", "U0ALICE");
        e.addProperty("text", "mx ok.test");
        e.addProperty("ts", "1700000000.000700");
        e.addProperty("channel", "D0ALICE");
        e.addProperty("event_ts", "1700000000.000700");
        slack.sendEnvelope("events_api", event("Ev7", e), 0);
        List<Call> calls = awaitRun("D0ALICE");
        assertThat(of(calls, "chat.postMessage", "D0ALICE").get(0).param("text"))
                .isEqualTo("Checking MX for ok.test…");
    }

    @Test
    void mentionWithUsageError_isAnsweredWithAnEphemeralInTheThread() throws Exception {
        socketBot();
        slack.sendEnvelope("events_api", event("Ev8", mention("<@U0BOT> mx 192.0.2.1", "C9", "1700000000.000800",
                "1700000000.000100")), 0);
        Call ephemeral = slack.await(cs -> cs.stream().anyMatch(c -> c.method().equals("chat.postEphemeral")), WAIT,
                "the ephemeral usage error").stream().filter(c -> c.method().equals("chat.postEphemeral"))
                .findFirst().orElseThrow();
        assertThat(ephemeral.param("user")).isEqualTo("U0ALICE");
        assertThat(ephemeral.param("thread_ts")).isEqualTo("1700000000.000100");
        assertThat(ephemeral.param("text")).contains("is an IP address; mx takes a domain");
        assertThat(slack.calls("chat.postMessage")).isEmpty();
    }

    @Test
    void retriedEvent_runsOnce() throws Exception {
        socketBot();
        JsonObject e = event("Ev2", mention("<@U0BOT> mx ok.test", "C3", "1700000000.000600", null));
        String first = slack.sendEnvelope("events_api", e, 0);
        String retry = slack.sendEnvelope("events_api", e, 1);
        slack.awaitAck(first, WAIT);
        slack.awaitAck(retry, WAIT);
        awaitRun("C3");
        assertThat(bot.acceptedRuns()).isEqualTo(1);
        assertThat(of(slack.calls(), "chat.postMessage", "C3").stream()
                .filter(c -> c.param("text").startsWith("Checking"))).hasSize(1);
    }

    @Test
    void rerunClick_postsANewRunInTheSameThread() throws Exception {
        socketBot();
        JsonObject p = SlackPayloads.click("U0BOB", "C4", "1700000000.000900", "rerun", "mx ok.test",
                slack.responseUrl("r4"));
        slack.awaitAck(slack.sendEnvelope("interactive", p, 0), WAIT);
        List<Call> calls = awaitRun("C4");
        assertThat(of(calls, "chat.postMessage", "C4"))
                .allSatisfy(c -> assertThat(c.param("thread_ts")).isEqualTo("1700000000.000900"));
        assertThat(of(calls, "chat.update", "C4").stream().filter(c -> c.param("blocks").contains("Re-run")))
                .anySatisfy(c -> assertThat(c.param("blocks")).contains("asked by <@U0BOB>"));
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "checking notice after {0} ms")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"0", "60000"})
    void notInChannel_answersThroughTheResponseUrlAndSaysHowToInvite(String notice) throws Exception {
        // 0: "Checking…" is refused, so the run answers through response_url; 60000: the answer itself is the first
        // post, refused, and goes there instead.
        socketBot(engine::run, Map.of(CHECKING_NOTICE, notice));
        slack.notInChannel("CPRIV");
        slack.sendEnvelope("slash_commands", slashPayload("/mx", "ok.test", "CPRIV", slack.responseUrl("r5")), 0);
        List<Call> calls = slack.await(cs -> cs.stream().filter(c -> c.method().equals("response_url:r5")).count()
                >= 2, WAIT, "the summary and transcript through response_url");
        List<Call> responses = calls.stream().filter(c -> c.method().equals("response_url:r5")).toList();
        assertThat(responses.get(0).param("text")).startsWith("OK: Mail for ok.test");
        assertThat(responses.get(0).param("blocks")).contains("/invite @mxdoctor");
        assertThat(responses.get(0).param("response_type")).isEqualTo("ephemeral");
        assertThat(responses).hasSizeLessThanOrEqualTo(5);
    }

    @Test
    void rateLimited_waitsRetryAfterAndLosesNothing() throws Exception {
        socketBot();
        slack.rateLimit("chat.update", 1, 1);
        slack.sendEnvelope("slash_commands", slashPayload("/mx", "ok.test", "C6", slack.responseUrl("r6")), 0);
        List<Call> calls = awaitRun("C6");
        Call limited = calls.stream().filter(c -> c.method().equals("chat.update (429)")).findFirst().orElseThrow();
        Call retried = calls.stream().filter(c -> c.method().equals("chat.update") && c.atNanos() > limited.atNanos())
                .findFirst().orElseThrow();
        assertThat(Duration.ofNanos(retried.atNanos() - limited.atNanos())).isGreaterThanOrEqualTo(
                Duration.ofMillis(900));
    }

    @Test
    void internalError_isAShortMessageWithAnErrorIdNotAStackTrace() throws Exception {
        socketBot((inv, progress) -> {
            throw new IllegalStateException("boom from inside the engine");
        });
        slack.sendEnvelope("slash_commands", slashPayload("/mx", "ok.test", "C7", slack.responseUrl("r7")), 0);
        List<Call> calls = slack.await(cs -> cs.stream().anyMatch(c -> c.method().equals("chat.update")
                && c.param("text").contains("error id")), WAIT, "the error message");
        Call error = calls.stream().filter(c -> c.method().equals("chat.update")).findFirst().orElseThrow();
        assertThat(error.param("text")).matches("mxdoctor hit an internal error \\(error id [0-9a-f]{8}\\)");
        assertThat(error.param("blocks")).doesNotContain("boom from inside").doesNotContain("IllegalStateException")
                .doesNotContain("xoxb-");
    }

    @Test
    void cancelClick_endsTheRunAndSaysItWasCancelled() throws Exception {
        CountDownLatch never = new CountDownLatch(1);
        Report partial = new Report("mx", "ok.test", "ok.test", "127.0.0.1", Instant.now(), 5,
                new Verdict(Verdict.Status.INCONCLUSIVE, "Cancelled before an answer."), List.of(), List.of(),
                List.of(), List.of(), List.of());
        socketBot((inv, progress) -> {
            try {
                never.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return partial;
        });
        slack.sendEnvelope("slash_commands", slashPayload("/mx", "ok.test", "C8", slack.responseUrl("r8")), 0);
        Call running = slack.await(cs -> !of(cs, "chat.postMessage", "C8").isEmpty(), WAIT, "the parent")
                .stream().filter(c -> c.method().equals("chat.postMessage")).findFirst().orElseThrow();
        String runId = cancelValue(running.param("blocks"));
        JsonObject click = JsonParser.parseString("{\"type\":\"block_actions\",\"user\":{\"id\":\"U0ALICE\"},"
                + "\"api_app_id\":\"A0FAKE\",\"team\":{\"id\":\"T0FAKE\"},\"container\":{\"type\":\"message\","
                + "\"message_ts\":\"1700000000.001001\",\"channel_id\":\"C8\"},\"channel\":{\"id\":\"C8\"},"
                + "\"trigger_id\":\"t\",\"actions\":[{\"action_id\":\"cancel\",\"block_id\":\"b\",\"type\":\"button\","
                + "\"value\":\"" + runId + "\",\"action_ts\":\"1\"}]}").getAsJsonObject();
        slack.sendEnvelope("interactive", click, 0);
        List<Call> calls = slack.await(cs -> of(cs, "chat.update", "C8").stream()
                .anyMatch(c -> c.param("blocks").contains("Re-run")), WAIT, "the cancelled summary");
        assertThat(of(calls, "chat.update", "C8").stream().filter(c -> c.param("blocks").contains("Re-run"))
                .findFirst().orElseThrow().param("blocks")).contains("cancelled");
    }

    private static String cancelValue(String blocks) {
        for (var block : JsonParser.parseString(blocks).getAsJsonArray()) {
            JsonObject b = block.getAsJsonObject();
            if (b.get("type").getAsString().equals("actions")) {
                return b.getAsJsonArray("elements").get(0).getAsJsonObject().get("value").getAsString();
            }
        }
        throw new AssertionError("no Cancel button in " + blocks);
    }

    @Test
    void appHomeOpened_publishesTheHomeTab() throws Exception {
        socketBot();
        slack.sendEnvelope("events_api", event("Ev9", homeOpened()), 0);
        Call publish = slack.await(cs -> cs.stream().anyMatch(c -> c.method().equals("views.publish")), WAIT,
                "views.publish").stream().filter(c -> c.method().equals("views.publish")).findFirst().orElseThrow();
        assertThat(publish.param("user_id")).isEqualTo("U0ALICE");
        assertThat(publish.param("view")).contains("\"type\":\"home\"").contains("/mx example.com")
                .contains("Failing now").contains("Your recent runs");
    }

    private static HttpResponse<String> postSigned(int port, String body, long timestamp, String secret)
            throws Exception {
        return dev.mxdoctor.testing.SignedRequests.post(port, "application/x-www-form-urlencoded", body, timestamp,
                secret, 0);
    }

    private String slashForm(String channel) {
        Map<String, String> f = new LinkedHashMap<>();
        slashPayload("/mx", "ok.test", channel, slack.responseUrl("h")).entrySet()
                .forEach(e -> f.put(e.getKey(), e.getValue().getAsString()));
        return f.entrySet().stream().map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(),
                StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
    }

    @Test
    void slashCommand_overSignedHttp_isAcceptedAndAnswered() throws Exception {
        httpBot();
        HttpResponse<String> r = postSigned(bot.httpPort(), slashForm("C10"), Instant.now().getEpochSecond(), SECRET);
        assertThat(r.statusCode()).isEqualTo(200);
        awaitRun("C10");
    }

    @Test
    void slashCommand_badOrStaleSignature_isRefusedWith401() throws Exception {
        httpBot();
        assertThat(postSigned(bot.httpPort(), slashForm("C11"), Instant.now().getEpochSecond(), "wrong-secret")
                .statusCode()).isEqualTo(401);
        assertThat(postSigned(bot.httpPort(), slashForm("C11"), Instant.now().minusSeconds(600).getEpochSecond(),
                SECRET).statusCode()).isEqualTo(401);
        assertThat(bot.acceptedRuns()).isZero();
    }

    @Test
    void httpEvents_oversizedBody_isRefusedWith413AndTheBotAnswersTheNextCommand() throws Exception {
        httpBot();
        String huge = slashForm("C12") + "&padding=" + "x".repeat(BotHttpServer.MAX_BODY_BYTES);
        assertThat(postSigned(bot.httpPort(), huge, Instant.now().getEpochSecond(), SECRET).statusCode())
                .isEqualTo(413);
        assertThat(bot.acceptedRuns()).isZero();
        assertThat(postSigned(bot.httpPort(), slashForm("C13"), Instant.now().getEpochSecond(), SECRET).statusCode())
                .isEqualTo(200);
        awaitRun("C13");
    }

    @Test
    void settings_withoutTokens_sayWhatIsMissingAndWhereToGetIt() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> SlackSettings.fromEnvironment(Map.of()))
                .hasMessageContaining("SLACK_BOT_TOKEN").hasMessageContaining("SLACK_APP_TOKEN")
                .hasMessageContaining("SLACK_SIGNING_SECRET").hasMessageContaining("manifest.yml");
        assertThat(SlackSettings.fromEnvironment(Map.of("SLACK_BOT_TOKEN", "xoxb-secret-value", "SLACK_APP_TOKEN",
                "xapp-secret-value")).toString()).doesNotContain("secret-value");
    }

}
