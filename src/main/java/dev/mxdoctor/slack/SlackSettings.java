package dev.mxdoctor.slack;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The bot's settings (ARCHITECTURE.md, "Settings"): tokens, mode and limits. Tokens are kept out of toString so
 * they cannot reach a log line.
 *
 * @param apiUrl SLACK_API_URL: base URL of the Web API (a proxy, or the fake Slack in tests)
 * @param postInterval MXDOCTOR_SLACK_POST_INTERVAL_MS: least time between two messages to one channel
 * @param docsUrl MXDOCTOR_DOCS_URL: where docs/findings.md is published, for links from findings
 * @param access MXDOCTOR_SLACK_CHANNELS, MXDOCTOR_SLACK_USERS, MXDOCTOR_SEND_USERS
 * @param perUserPerMinute MXDOCTOR_RATE_PER_USER: checks one person may start in a minute
 * @param perChannelPerMinute MXDOCTOR_RATE_PER_CHANNEL: checks that may start in one channel in a minute
 * @param maxQueued MXDOCTOR_MAX_QUEUED: checks that may wait for a place; beyond that askers are told to retry
 */
public record SlackSettings(
        String botToken,
        Optional<String> appToken,
        Optional<String> signingSecret,
        Optional<String> apiUrl,
        int httpPort,
        Duration postInterval,
        String docsUrl,
        int maxRunning,
        int maxPerUser,
        Access access,
        int perUserPerMinute,
        int perChannelPerMinute,
        int maxQueued) {

    /** Socket Mode (an app token) or HTTP mode (a signing secret). */
    public boolean socketMode() {
        return appToken.isPresent();
    }

    /**
     * Reads the settings; refuses to start without what is needed, saying which variables are missing and how to
     * get them.
     */
    public static SlackSettings fromEnvironment(Map<String, String> env) {
        Optional<String> bot = value(env, "SLACK_BOT_TOKEN");
        Optional<String> app = value(env, "SLACK_APP_TOKEN");
        Optional<String> secret = value(env, "SLACK_SIGNING_SECRET");
        List<String> missing = new ArrayList<>();
        if (bot.isEmpty()) {
            missing.add("SLACK_BOT_TOKEN (xoxb-..., from OAuth & Permissions after installing the app)");
        }
        if (app.isEmpty() && secret.isEmpty()) {
            missing.add("SLACK_APP_TOKEN (xapp-..., Basic Information > App-Level Tokens, scope connections:write) "
                    + "for Socket Mode, or SLACK_SIGNING_SECRET (Basic Information > App Credentials) for HTTP mode");
        }
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException("the bot cannot start; missing:\n  - " + String.join("\n  - ", missing)
                    + "\nCreate the Slack app from manifest.yml (api.slack.com/apps > Create New App > From an app "
                    + "manifest); README.md walks through it.");
        }
        if (!bot.get().startsWith("xoxb-")) {
            throw new IllegalArgumentException("SLACK_BOT_TOKEN must be a bot token (xoxb-...)");
        }
        if (app.isPresent() && !app.get().startsWith("xapp-")) {
            throw new IllegalArgumentException("SLACK_APP_TOKEN must be an app-level token (xapp-...)");
        }
        return new SlackSettings(bot.get(), app, secret, value(env, "SLACK_API_URL"),
                integer(env, "MXDOCTOR_HTTP_PORT", 3000), Duration.ofMillis(integer(env,
                        "MXDOCTOR_SLACK_POST_INTERVAL_MS", 1000)),
                value(env, "MXDOCTOR_DOCS_URL").orElse(""), integer(env, "MXDOCTOR_MAX_RUNS", 20),
                integer(env, "MXDOCTOR_MAX_RUNS_PER_USER", 3),
                new Access(Access.ids(value(env, "MXDOCTOR_SLACK_CHANNELS")), Access.ids(value(env,
                        "MXDOCTOR_SLACK_USERS")), Access.ids(value(env, "MXDOCTOR_SEND_USERS"))),
                integer(env, "MXDOCTOR_RATE_PER_USER", 20), integer(env, "MXDOCTOR_RATE_PER_CHANNEL", 60),
                integer(env, "MXDOCTOR_MAX_QUEUED", 100));
    }

    private static Optional<String> value(Map<String, String> env, String name) {
        return Optional.ofNullable(env.get(name)).map(String::strip).filter(v -> !v.isEmpty());
    }

    private static int integer(Map<String, String> env, String name, int fallback) {
        try {
            return value(env, name).map(Integer::parseInt).orElse(fallback);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a whole number");
        }
    }

    @Override
    public String toString() {
        return "SlackSettings[mode=" + (socketMode() ? "socket" : "http port " + httpPort) + ", apiUrl="
                + apiUrl.orElse("slack.com") + "]";
    }
}
