package dev.mxdoctor.lab;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mxdoctor.Config;
import dev.mxdoctor.Engine;
import dev.mxdoctor.SettingsReader;
import dev.mxdoctor.history.History;
import dev.mxdoctor.history.RunSummary;
import dev.mxdoctor.slack.SlackBot;
import dev.mxdoctor.slack.SlackSettings;
import dev.mxdoctor.testing.FakeSlack;
import dev.mxdoctor.testing.FakeSlack.Call;
import dev.mxdoctor.testing.FakeSmtpServer;
import dev.mxdoctor.testing.SlackPayloads;
import dev.mxdoctor.watch.WatchSettings;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A watch through an incident on the lab, in real time: the bot's own schedule (every 2 s, which the lab's settings
 * allow) checks {@code flappy.lab.test} through the lab's BIND while its mail host at 127.0.2.40 is stopped and
 * started again. Exactly two replies in the thread say so — down, then back — and nothing else is posted however
 * many checks run in between.
 */
@Tag("lab")
class WatchLabIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final InetSocketAddress FLAPPY = new InetSocketAddress("127.0.2.40", 25);

    @Test
    void hostStoppedThenStarted_duringAWatch_twoChangeRepliesExactly() throws Exception {
        Optional<Map<String, String>> lab = Lab.settings("WatchLabIT");
        Assumptions.assumeTrue(lab.isPresent(), "the lab is not running");
        Map<String, String> env = new HashMap<>(lab.get());
        Path dir = Files.createTempDirectory("mxdoctor-watch");
        env.put("MXDOCTOR_DB", "jdbc:sqlite:" + dir.resolve("history.db"));
        env.put("MXDOCTOR_WATCH_MIN_EVERY", "2s");
        FakeSmtpServer host = FakeSmtpServer.start(FLAPPY);
        try (FakeSlack slack = new FakeSlack();
                Engine engine = new Engine(Config.fromEnvironment(env), Clock.systemUTC());
                History history = History.open(env.get("MXDOCTOR_DB"), Clock.systemUTC(), History.Budgets.DEFAULT)) {
            SlackBot bot = new SlackBot(SlackSettings.fromEnvironment(Map.of("SLACK_BOT_TOKEN", "xoxb-lab",
                    "SLACK_APP_TOKEN", "xapp-lab", "SLACK_API_URL", slack.apiUrl(),
                    "MXDOCTOR_SLACK_POST_INTERVAL_MS", "0", "MXDOCTOR_HTTP_PORT", "0")),
                    WatchSettings.read(new SettingsReader(env)), engine::run, history, new dev.mxdoctor.ops.Metrics(),
                    Clock.systemUTC());
            try {
                bot.start(Duration.ofDays(90));
                slack.sendEnvelope("slash_commands", SlackPayloads.slash("/mxdoctor",
                        "watch mx flappy.lab.test every 2s for 10m", "CLAB", "U0ONCALL", slack.responseUrl("w")), 0);
                awaitChecks(slack, 2);
                host.close(); // the host stops between two checks
                awaitChecks(slack, 5);
                assertThat(changes(slack.calls())).hasSize(1);
                host = FakeSmtpServer.start(FLAPPY); // and starts again
                awaitChecks(slack, 8);
                List<Call> changes = changes(slack.calls());
                assertThat(changes).hasSize(2);
                assertThat(changes.get(0).param("blocks")).contains("mx-flappy.lab.test [127.0.2.40] is refused "
                        + "since").contains("verdict ok → failing");
                assertThat(changes.get(1).param("blocks")).contains("mx-flappy.lab.test [127.0.2.40] answers again "
                        + "since").contains("→ ok");
                String parent = statusLines(slack.calls()).get(0).param("ts");
                assertThat(changes).allSatisfy(c -> assertThat(c.param("thread_ts")).isEqualTo(parent));
                // Nothing else in the thread after the first answer's own replies: no message per check.
                long posts = slack.calls("chat.postMessage").size();
                awaitChecks(slack, 10);
                assertThat(slack.calls("chat.postMessage")).hasSize((int) posts);
                List<RunSummary> runs = history.latest(Optional.of("flappy.lab.test"), Optional.empty(), 100);
                assertThat(runs.size()).isGreaterThanOrEqualTo(10);
                assertThat(runs).allSatisfy(r -> assertThat(r.channel()).contains("CLAB"));
            } finally {
                bot.close();
            }
        } finally {
            host.close();
        }
    }

    private static List<Call> statusLines(List<Call> calls) {
        return calls.stream().filter(c -> c.method().equals("chat.update") && "CLAB".equals(c.param("channel"))
                && String.valueOf(c.param("blocks")).contains("watch_status")).toList();
    }

    private static List<Call> changes(List<Call> calls) {
        return calls.stream().filter(c -> c.method().equals("chat.postMessage") && "CLAB".equals(c.param("channel"))
                && String.valueOf(c.param("text")).startsWith("What changed:")).toList();
    }

    /** Waits until the status line counts {@code n} checks (it is redrawn after each). */
    private static void awaitChecks(FakeSlack slack, int n) throws InterruptedException {
        slack.await(cs -> statusLines(cs).stream().anyMatch(c -> c.param("blocks").contains(" · " + n + " checks")),
                WAIT, n + " checks of the watch");
    }
}
