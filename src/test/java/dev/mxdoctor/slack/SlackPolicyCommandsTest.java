package dev.mxdoctor.slack;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mxdoctor.Config;
import dev.mxdoctor.Engine;
import dev.mxdoctor.history.History;
import dev.mxdoctor.ops.Metrics;
import dev.mxdoctor.testing.FakeDnsServer;
import dev.mxdoctor.testing.FakeSlack;
import dev.mxdoctor.testing.FakeSlack.Call;
import dev.mxdoctor.testing.SlackPayloads;
import dev.mxdoctor.testing.Zones;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** blocklist, auth and relaytest from Slack: the real Bolt app, the fake Slack, the engine on an in-process DNS. */
class SlackPolicyCommandsTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    private FakeDnsServer dns;
    private Engine engine;
    private FakeSlack slack;
    private History history;
    private SlackBot bot;

    @org.junit.jupiter.api.io.TempDir
    java.nio.file.Path dir;

    @BeforeEach
    void setUp() throws Exception {
        dns = FakeDnsServer.start(Zones.zone("zen.test", "2.0.0.127 A 127.0.0.2", "25.2.0.192 A 127.0.0.4",
                "25.2.0.192 TXT \"compromised host seen sending spam\""),
                Zones.zone("good.test", "@ TXT \"v=spf1 ip4:192.0.2.0/24 -all\"", "_dmarc TXT \"v=DMARC1; p=reject\""));
        engine = new Engine(Config.fromEnvironment(Map.of("MXDOCTOR_DNS", "127.0.0.1:" + dns.port(),
                "MXDOCTOR_NS_PORT", String.valueOf(dns.port()), "MXDOCTOR_ALLOW_TARGETS", "127.0.0.0/8",
                "MXDOCTOR_HELO", "mxdoctor.test", "MXDOCTOR_PING", "off", "MXDOCTOR_DNSBLS", "spamhaus-zen:zen.test")),
                Clock.systemUTC());
        slack = new FakeSlack();
        history = History.open("jdbc:sqlite:" + dir.resolve("history.db"), Clock.systemUTC(), History.Budgets.DEFAULT);
        bot = new SlackBot(SlackSettings.fromEnvironment(Map.of("SLACK_BOT_TOKEN", "xoxb-test", "SLACK_APP_TOKEN",
                "xapp-test", "SLACK_API_URL", slack.apiUrl(), "MXDOCTOR_SLACK_POST_INTERVAL_MS", "0",
                // "Checking…" at once, then the answer in its place (the default's answer-only path: SlackBotTest).
                "MXDOCTOR_HTTP_PORT", "0", "MXDOCTOR_CHECKING_NOTICE_MS", "0")), engine::run, history, new Metrics());
        bot.start(Duration.ofDays(90));
    }

    @AfterEach
    void tearDown() {
        bot.close();
        history.close();
        slack.close();
        engine.close();
        dns.close();
    }

    /** Sends the command in {@code channel} and returns the summary it ends with. */
    private String answer(String text, String channel) throws InterruptedException {
        slack.sendEnvelope("slash_commands", SlackPayloads.slash("/mxdoctor", text, channel, "U0ALICE",
                slack.responseUrl("r-" + channel)), 0);
        List<Call> calls = slack.await(cs -> cs.stream().anyMatch(c -> c.method().equals("chat.update")
                && channel.equals(c.param("channel")) && c.param("blocks").contains("Re-run")), WAIT, "the answer");
        return calls.stream().filter(c -> c.method().equals("chat.update") && channel.equals(c.param("channel"))
                && c.param("blocks").contains("Re-run")).findFirst().orElseThrow().param("blocks");
    }

    @Test
    void blocklist_fromSlack_showsTheListingInWordsWithTheListsReason() throws Exception {
        String summary = answer("blocklist 192.0.2.25", "C1");
        assertThat(summary).contains("*FAILING*").contains(":red_circle: `192.0.2.25` on *zen.test*: XBL")
                .contains("compromised host seen sending spam").contains("IP_BLOCKLISTED").contains("Watch");
        assertThat(slack.calls("chat.postMessage").stream().filter(c -> "C1".equals(c.param("channel"))
                && c.param("text").startsWith("Checking"))).singleElement()
                .satisfies(c -> assertThat(c.param("text")).isEqualTo("Checking blocklists for 192.0.2.25…"));
    }

    @Test
    void auth_fromSlack_showsTheRecordsAndTheVerdict() throws Exception {
        String summary = answer("auth good.test", "C2");
        assertThat(summary).contains("good.test").contains("SPF: ok (0 of 10 look-ups, -all)")
                .contains("DMARC: p=reject").contains("v=spf1 ip4:192.0.2.0/24 -all");
    }

    @Test
    void auth_fromSlackTwice_onOneHistory_answersAlikeAndSaysNothingChanged() throws Exception {
        String first = answer("auth good.test", "C4");
        String second = answer("auth good.test", "C5");
        for (String summary : List.of(first, second)) {
            // The DANE part answers too: this resolver passes no DNSSEC records, which is said, not blamed on the domain.
            assertThat(summary).contains("SPF: ok").contains("DANE: not checked (the resolver does not pass DNSSEC "
                    + "records)").doesNotContain("What changed since the previous run");
        }
        assertThat(history.latest(java.util.Optional.of("good.test"), java.util.Optional.empty(), 5))
                .hasSize(2).allSatisfy(r -> assertThat(r.state()).isEqualTo("done"));
    }

    @Test
    void relaytest_fromSlack_isOnlyForTheListedPeople() throws Exception {
        String refused = slack.sendEnvelope("slash_commands", SlackPayloads.slash("/mxdoctor", "relaytest good.test",
                "C3", "U0ALICE", slack.responseUrl("r")), 0);
        assertThat(slack.awaitAck(refused, WAIT).getAsJsonObject("payload").get("text").getAsString())
                .contains("MXDOCTOR_SEND_USERS");
    }
}
