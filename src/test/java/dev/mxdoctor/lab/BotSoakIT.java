package dev.mxdoctor.lab;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mxdoctor.Config;
import dev.mxdoctor.Engine;
import dev.mxdoctor.history.History;
import dev.mxdoctor.history.RunSummary;
import dev.mxdoctor.slack.SlackBot;
import dev.mxdoctor.slack.SlackSettings;
import dev.mxdoctor.testing.FakeSlack;
import dev.mxdoctor.testing.FakeSlack.Call;
import dev.mxdoctor.testing.SlackPayloads;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The bot as an incident channel lives with it: the real Bolt app in Socket Mode through the fake Slack, the real
 * engine against the lab's servers, one history for everything. 120 slash commands and mentions over many domains,
 * each asked six times, four at a time, as several people: every one ends with a verdict in its parent message, no
 * internal error, and no run is left running.
 */
@Tag("lab")
class BotSoakIT {

    private static final List<String> COMMANDS = List.of("mx healthy.lab.test", "smtptest alice@backup.lab.test",
            "mx backup.lab.test", "smtptest alice@backupok.lab.test", "smtptest nobody@healthy.lab.test",
            "smtptest alice@blocked.lab.test", "mx notls.lab.test", "mx selfsigned.lab.test",
            "smtptest alice@greylist.lab.test", "mx garbage.lab.test", "mx migrating.lab.test", "mx nullmx.lab.test",
            "mx nomx.lab.test", "mx alias.lab.test", "mx nohost.lab.test", "mx missing.lab.test",
            "smtptest alice@dropmail.lab.test", "mx busy.lab.test", "dns healthy.lab.test MX", "mx four.lab.test");
    private static final int ROUNDS = 6;
    private static final int AT_ONCE = 4;
    private static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    void hundredsOfRepeatedCommands_everyOneAnsweredNoneLeftRunning() throws Exception {
        Optional<Map<String, String>> lab = Lab.settings("BotSoakIT");
        Assumptions.assumeTrue(lab.isPresent(), "the lab is not running");
        Map<String, String> env = new HashMap<>(lab.get());
        Path dir = Files.createTempDirectory("mxdoctor-soak");
        env.put("MXDOCTOR_DB", "jdbc:sqlite:" + dir.resolve("history.db"));
        try (FakeSlack slack = new FakeSlack();
                Engine engine = new Engine(Config.fromEnvironment(env), Clock.systemUTC());
                History history = History.open(env.get("MXDOCTOR_DB"), Clock.systemUTC(), History.Budgets.DEFAULT)) {
            SlackBot bot = new SlackBot(SlackSettings.fromEnvironment(Map.of("SLACK_BOT_TOKEN", "xoxb-soak",
                    "SLACK_APP_TOKEN", "xapp-soak", "SLACK_API_URL", slack.apiUrl(),
                    "MXDOCTOR_SLACK_POST_INTERVAL_MS", "0", "MXDOCTOR_RATE_PER_USER", "1000",
                    "MXDOCTOR_RATE_PER_CHANNEL", "1000", "MXDOCTOR_HTTP_PORT", "0")), engine::run, history,
                    new dev.mxdoctor.ops.Metrics());
            try {
                bot.start(Duration.ofDays(90));
                List<String> channels = new ArrayList<>();
                int n = 0;
                for (int round = 0; round < ROUNDS; round++) {
                    for (String command : COMMANDS) {
                        n++;
                        String channel = "CS" + n;
                        String user = "U" + (n % 5);
                        if (n % 3 == 0) {
                            // A mention in an incident thread.
                            String ts = "1700000" + String.format("%03d", n) + ".000100";
                            slack.sendEnvelope("events_api", SlackPayloads.event("EvSoak" + n,
                                    SlackPayloads.mention("<@U0BOT> " + command, channel, user, ts, ts)), 0);
                        } else {
                            String[] words = command.split(" ", 2);
                            String slash = words[0].equals("dns") ? "/mxdoctor" : "/" + words[0];
                            String text = words[0].equals("dns") ? command : words[1];
                            slack.sendEnvelope("slash_commands", SlackPayloads.slash(slash, text, channel, user,
                                    slack.responseUrl("rs" + n)), 0);
                        }
                        channels.add(channel);
                        if (channels.size() % AT_ONCE == 0) {
                            for (String c : channels.subList(channels.size() - AT_ONCE, channels.size())) {
                                awaitAnswer(slack, c);
                            }
                        }
                    }
                }
                for (String c : channels) {
                    Call summary = awaitAnswer(slack, c);
                    assertThat(summary.param("blocks")).as(c).doesNotContain("internal error")
                            .containsAnyOf("OK", "DEGRADED", "FAILING", "INCONCLUSIVE");
                }
                assertThat(channels).hasSize(ROUNDS * COMMANDS.size()).hasSizeGreaterThanOrEqualTo(100);
                assertThat(history.awaitWrites(Duration.ofSeconds(30))).isTrue();
                List<RunSummary> runs = history.latest(Optional.empty(), Optional.empty(), 1000);
                assertThat(runs).hasSize(channels.size())
                        .allSatisfy(r -> assertThat(r.state()).as(r.command() + " " + r.query()).isEqualTo("done"));
                // Every repeat compared with the run before it, and a stable lab changes nothing between rounds.
                assertThat(runs.stream().filter(r -> r.query().equals("healthy.lab.test") && r.command().equals("mx"))
                        .toList()).hasSize(ROUNDS).allSatisfy(r -> assertThat(r.changes()).isEmpty());
            } finally {
                bot.close();
            }
        }
    }

    /**
     * The run's answer, the message with the Re-run button: the "Checking…" message updated, or (answered within
     * MXDOCTOR_CHECKING_NOTICE_MS) a message of its own.
     */
    private static Call awaitAnswer(FakeSlack slack, String channel) throws InterruptedException {
        return slack.await(cs -> cs.stream().anyMatch(c -> isSummary(c, channel)), WAIT, "the answer in " + channel)
                .stream().filter(c -> isSummary(c, channel)).reduce((a, b) -> b).orElseThrow();
    }

    private static boolean isSummary(Call c, String channel) {
        return (c.method().equals("chat.update") || c.method().equals("chat.postMessage"))
                && channel.equals(c.param("channel"))
                && c.param("blocks") != null && (c.param("blocks").contains("Re-run")
                        || c.param("blocks").contains("internal error"));
    }
}
