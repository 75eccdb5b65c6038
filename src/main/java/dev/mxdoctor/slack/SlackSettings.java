package dev.mxdoctor.slack;

import dev.mxdoctor.SettingsReader;
import java.time.Duration;
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
 * @param opsPort MXDOCTOR_OPS_PORT: where /healthz, /readyz and /metrics are served, if not on MXDOCTOR_HTTP_PORT
 * @param maxQueued MXDOCTOR_MAX_QUEUED: checks that may wait for a place; beyond that askers are told to retry
 * @param queueNoticeAfter MXDOCTOR_QUEUE_NOTICE_MS: how long a check waits for a place before its message says so
 * @param checkingNoticeAfter MXDOCTOR_CHECKING_NOTICE_MS: how long after a command its message says "Checking…", if
 *     the answer is not out by then
 * @param shutdownGrace MXDOCTOR_SHUTDOWN_GRACE: how long running checks may finish after SIGTERM
 */
public record SlackSettings(
        String botToken,
        Optional<String> appToken,
        Optional<String> signingSecret,
        Optional<String> apiUrl,
        int httpPort,
        java.util.OptionalInt opsPort,
        Duration postInterval,
        String docsUrl,
        int maxRunning,
        int maxPerUser,
        Access access,
        int perUserPerMinute,
        int perChannelPerMinute,
        int maxQueued,
        Duration queueNoticeAfter,
        Duration checkingNoticeAfter,
        Duration shutdownGrace) {

    /** Socket Mode (an app token) or HTTP mode (a signing secret). */
    public boolean socketMode() {
        return appToken.isPresent();
    }

    /**
     * Reads the settings; refuses to start without what is needed, saying which variables are missing and how to
     * get them, and every other problem with them.
     */
    public static SlackSettings fromEnvironment(Map<String, String> env) {
        SettingsReader r = new SettingsReader(env);
        SlackSettings settings = read(r);
        r.check();
        return settings;
    }

    /** Reads the settings into {@code r}, which collects the problems (the caller checks them). */
    public static SlackSettings read(SettingsReader r) {
        Optional<String> bot = r.text("SLACK_BOT_TOKEN");
        Optional<String> app = r.text("SLACK_APP_TOKEN");
        Optional<String> secret = r.text("SLACK_SIGNING_SECRET");
        if (bot.isEmpty()) {
            r.problem("SLACK_BOT_TOKEN is missing (xoxb-..., from OAuth & Permissions after installing the app; "
                    + "create the app from manifest.yml as README.md describes)");
        } else if (!bot.get().startsWith("xoxb-")) {
            r.problem("SLACK_BOT_TOKEN must be a bot token (xoxb-...)");
        }
        if (app.isEmpty() && secret.isEmpty()) {
            r.problem("SLACK_APP_TOKEN (xapp-..., Basic Information > App-Level Tokens, scope connections:write) "
                    + "for Socket Mode, or SLACK_SIGNING_SECRET (Basic Information > App Credentials) for HTTP "
                    + "mode, is missing");
        }
        if (app.isPresent() && !app.get().startsWith("xapp-")) {
            r.problem("SLACK_APP_TOKEN must be an app-level token (xapp-...)");
        }
        return new SlackSettings(bot.orElse(""), app, secret, r.parsed("SLACK_API_URL", Optional.empty(),
                v -> Optional.of(httpUrl(v))),
                r.integer("MXDOCTOR_HTTP_PORT", 3000, 0, 65535),
                r.text("MXDOCTOR_OPS_PORT").isPresent() ? java.util.OptionalInt.of(r.integer("MXDOCTOR_OPS_PORT", 0, 0,
                        65535)) : java.util.OptionalInt.empty(),
                Duration.ofMillis(r.integer("MXDOCTOR_SLACK_POST_INTERVAL_MS", 1000, 0, 60_000)),
                r.parsed("MXDOCTOR_DOCS_URL", "", SlackSettings::httpUrl), r.integer("MXDOCTOR_MAX_RUNS", 20, 1, 10_000),
                r.integer("MXDOCTOR_MAX_RUNS_PER_USER", 3, 1, 10_000),
                new Access(ids(r, "MXDOCTOR_SLACK_CHANNELS"), ids(r, "MXDOCTOR_SLACK_USERS"),
                        ids(r, "MXDOCTOR_SEND_USERS")),
                r.integer("MXDOCTOR_RATE_PER_USER", 20, 1, 100_000),
                r.integer("MXDOCTOR_RATE_PER_CHANNEL", 60, 1, 100_000),
                r.integer("MXDOCTOR_MAX_QUEUED", 100, 0, 100_000),
                Duration.ofMillis(r.integer("MXDOCTOR_QUEUE_NOTICE_MS", 1000, 0, 60_000)),
                Duration.ofMillis(r.integer("MXDOCTOR_CHECKING_NOTICE_MS", 1000, 0, 60_000)),
                Duration.ofSeconds(r.integer("MXDOCTOR_SHUTDOWN_GRACE", 25, 0, 3600)));
    }

    private static String httpUrl(String value) {
        try {
            java.net.URI uri = new java.net.URI(value);
            if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null) {
                return value;
            }
        } catch (java.net.URISyntaxException e) {
            // said below
        }
        throw new IllegalArgumentException("'" + value + "' is not an http(s) URL");
    }

    /** Slack ids (U…, W…, C…, G…, D…): upper-case letters and digits; a lower-case id would never match. */
    private static java.util.Set<String> ids(SettingsReader r, String name) {
        java.util.Set<String> ids = Access.ids(r.text(name));
        for (String id : ids) {
            if (!id.matches("[A-Z0-9]{2,}")) {
                r.problem(name + ": '" + id + "' is not a Slack id (such as U024BE7LH or C024BE91L: the member's "
                        + "profile > Copy member ID, or the channel's details)");
            }
        }
        return ids;
    }

    /** The effective settings, defaults included, tokens shown only as set or not. */
    public java.util.SortedMap<String, String> effective() {
        java.util.SortedMap<String, String> m = new java.util.TreeMap<>();
        m.put("SLACK_BOT_TOKEN", botToken.isEmpty() ? "(unset)" : "(set)");
        m.put("SLACK_APP_TOKEN", appToken.isPresent() ? "(set: Socket Mode)" : "(unset)");
        m.put("SLACK_SIGNING_SECRET", signingSecret.isPresent() ? "(set)" : "(unset)");
        m.put("SLACK_API_URL", apiUrl.orElse("(slack.com)"));
        m.put("MXDOCTOR_HTTP_PORT", String.valueOf(httpPort));
        m.put("MXDOCTOR_OPS_PORT", opsPort.isPresent() ? String.valueOf(opsPort.getAsInt()) : "(MXDOCTOR_HTTP_PORT)");
        m.put("MXDOCTOR_SLACK_POST_INTERVAL_MS", String.valueOf(postInterval.toMillis()));
        m.put("MXDOCTOR_DOCS_URL", docsUrl.isEmpty() ? "(unset)" : docsUrl);
        m.put("MXDOCTOR_MAX_RUNS", String.valueOf(maxRunning));
        m.put("MXDOCTOR_MAX_RUNS_PER_USER", String.valueOf(maxPerUser));
        m.put("MXDOCTOR_MAX_QUEUED", String.valueOf(maxQueued));
        m.put("MXDOCTOR_RATE_PER_USER", String.valueOf(perUserPerMinute));
        m.put("MXDOCTOR_RATE_PER_CHANNEL", String.valueOf(perChannelPerMinute));
        m.put("MXDOCTOR_QUEUE_NOTICE_MS", String.valueOf(queueNoticeAfter.toMillis()));
        m.put("MXDOCTOR_CHECKING_NOTICE_MS", String.valueOf(checkingNoticeAfter.toMillis()));
        m.put("MXDOCTOR_SHUTDOWN_GRACE", shutdownGrace.toSeconds() + "s");
        m.putAll(access.effective());
        return m;
    }

    @Override
    public String toString() {
        return "SlackSettings[mode=" + (socketMode() ? "socket" : "http port " + httpPort) + ", apiUrl="
                + apiUrl.orElse("slack.com") + "]";
    }
}
