package dev.mxdoctor.slack;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.slack.api.Slack;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import okhttp3.ConnectionPool;
import okhttp3.FormBody;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends messages to Slack within its rate limits: at most one message per {@code interval} per channel (Slack
 * allows about one a second, with short bursts), and on HTTP 429 waits {@code Retry-After} and tries again, so
 * no message is lost. Errors come back as {@link SlackError}, never as a stack trace in a channel.
 *
 * <p>Calls are plain form POSTs to the Web API over the SDK's HTTP client, their answers read as JSON trees: the
 * SDK's typed responses built a new reflective Gson adapter for every answer, a quarter of the bot's CPU in a burst
 * (profiled with JFR, see docs/benchmarks.md), and mxdoctor needs only {@code ok}, {@code error}, {@code ts} and
 * the channel ids.
 */
final class Poster {

    private static final Logger LOG = LoggerFactory.getLogger(Poster.class);
    static final int MAX_RETRIES = 5;

    /** A Web API call that Slack answered with ok=false (not_in_channel, channel_not_found, ...). */
    static final class SlackError extends Exception {
        private static final long serialVersionUID = 1L;
        private final String error;

        SlackError(String method, String error) {
            super(method + " failed: " + error);
            this.error = error;
        }

        String error() {
            return error;
        }

        /** Whether the bot cannot write to the channel (and the response_url is the way out). */
        boolean cannotPost() {
            return List.of("not_in_channel", "channel_not_found", "is_archived", "restricted_action",
                    "cannot_dm_bot", "missing_scope").contains(error);
        }
    }

    private final Slack slack;
    private final OkHttpClient http;
    private final String methodsUrl;
    // Each method's URL parsed once: parsing and canonicalising it on every call was a few per cent of a burst's CPU.
    private final Map<String, HttpUrl> methodUrls = new ConcurrentHashMap<>();
    private final String token;
    private final Duration interval;
    private final Map<String, Long> nextSlot = new ConcurrentHashMap<>();
    // Web API calls in flight at once. Beyond a few dozen, more only cost: each HTTP/1.1 call holds a connection of
    // its own, and the client scans its whole pool for a free one on every call (measured: hundreds of connections
    // in a 500-command burst, the pool's scans among the bot's busiest code). The rest wait their turn, a run's own
    // message before transcript replies.
    static final int MAX_IN_FLIGHT = 16;
    private final CallGate inFlight = new CallGate(MAX_IN_FLIGHT);

    /** Hears of every Web API call: its method and outcome (ok, error, rate_limited, failed). */
    @FunctionalInterface
    interface CallListener {
        void called(String method, String outcome);
    }

    private final CallListener calls;

    Poster(Slack slack, String botToken, Duration interval, CallListener calls) {
        this.slack = slack;
        this.calls = calls;
        // Room in the pool for every call the gate lets through: the client's default keeps five idle connections,
        // and with sixteen in flight it closed and reopened one every seven calls (measured in the load benchmark:
        // 881 connections for 6,400 calls), each a new TLS handshake with the real Slack.
        this.http = slack.getHttpClient().getOkHttpClient().newBuilder()
                .connectionPool(new ConnectionPool(MAX_IN_FLIGHT, 5, java.util.concurrent.TimeUnit.MINUTES)).build();
        String prefix = slack.getConfig().getMethodsEndpointUrlPrefix();
        this.methodsUrl = prefix.endsWith("/") ? prefix : prefix + "/";
        this.token = botToken;
        this.interval = interval;
    }

    private static Map<String, @Nullable String> form(@Nullable String... keyValues) {
        Map<String, @Nullable String> f = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            f.put(java.util.Objects.requireNonNull(keyValues[i]), keyValues[i + 1]);
        }
        return f;
    }

    /** Posts a message; returns its ts. */
    String post(String channel, @Nullable String threadTs, SlackRender.Message m) throws SlackError, InterruptedException {
        return post(channel, threadTs, m, true);
    }

    /**
     * Posts a part of a run's transcript in its thread; returns its ts. Waits while a run's own message waits to be
     * sent: details after every verdict.
     */
    String reply(String channel, String threadTs, SlackRender.Message m) throws SlackError, InterruptedException {
        return post(channel, threadTs, m, false);
    }

    private String post(String channel, @Nullable String threadTs, SlackRender.Message m, boolean urgent)
            throws SlackError, InterruptedException {
        JsonObject r = send("chat.postMessage", channel, form("channel", channel, "thread_ts", threadTs, "text",
                m.text(), "blocks", m.blocksJson(), "unfurl_links", "false"), urgent);
        return text(r, "ts");
    }

    void update(String channel, String ts, SlackRender.Message m) throws SlackError, InterruptedException {
        send("chat.update", channel, form("channel", channel, "ts", ts, "text", m.text(), "blocks", m.blocksJson()),
                true);
    }

    void ephemeral(String channel, String user, @Nullable String threadTs, String text) throws SlackError, InterruptedException {
        send("chat.postEphemeral", channel, form("channel", channel, "user", user, "thread_ts", threadTs, "text",
                text), true);
    }

    void publishHome(String user, String viewJson) throws SlackError, InterruptedException {
        send("views.publish", "home:" + user, form("user_id", user, "view", viewJson), true);
    }

    private static String text(JsonObject o, String key) {
        JsonElement e = o.get(key);
        return e == null || e.isJsonNull() ? "" : e.getAsString();
    }

    /**
     * The conversations {@code user} is a member of, as far as the bot can see (public and private channels, group
     * and direct messages); needs the scopes channels:read, groups:read, im:read and mpim:read.
     */
    java.util.Set<String> conversationsOf(String user) throws SlackError, InterruptedException {
        java.util.Set<String> ids = new java.util.HashSet<>();
        String cursor = null;
        do {
            JsonObject r = send("users.conversations", "members:" + user, form("user", user, "types",
                    "public_channel,private_channel,mpim,im", "exclude_archived", "true", "limit", "200", "cursor",
                    cursor), true);
            if (r.get("channels") instanceof com.google.gson.JsonArray channels) {
                channels.forEach(ch -> ids.add(text(ch.getAsJsonObject(), "id")));
            }
            cursor = r.get("response_metadata") instanceof JsonObject meta ? text(meta, "next_cursor") : null;
        } while (cursor != null && !cursor.isEmpty() && ids.size() < 100_000);
        return ids;
    }

    /** Answers through a command's response_url (works where the bot is not a member). */
    void respond(String responseUrl, SlackRender.Message m, boolean replaceOriginal) throws SlackError {
        com.google.gson.JsonObject body = new com.google.gson.JsonObject();
        body.addProperty("response_type", "ephemeral");
        body.addProperty("replace_original", replaceOriginal);
        body.addProperty("text", m.text());
        body.add("blocks", m.blocks());
        try {
            var response = slack.send(responseUrl, body.toString());
            calls.called("response_url", response.getCode() == 429 ? "rate_limited" : response.getCode() >= 300
                    ? "failed" : "ok");
            if (response.getCode() >= 300) {
                throw new SlackError("response_url", "HTTP " + response.getCode());
            }
        } catch (IOException e) {
            calls.called("response_url", "failed");
            throw new SlackError("response_url", java.util.Objects.requireNonNullElse(e.getMessage(),
                    e.getClass().getSimpleName()));
        }
    }

    /** One Web API call: a form POST; 429s waited out as Slack asks; ok=false is a {@link SlackError}. */
    private JsonObject send(String method, String channel, Map<String, @Nullable String> params, boolean urgent)
            throws SlackError, InterruptedException {
        FormBody.Builder body = new FormBody.Builder();
        params.forEach((k, v) -> {
            if (v != null) {
                body.add(k, v);
            }
        });
        HttpUrl url = methodUrls.computeIfAbsent(method, m -> HttpUrl.get(methodsUrl + m));
        Request request = new Request.Builder().url(url).header("Authorization", "Bearer " + token)
                .post(body.build()).build();
        for (int attempt = 0; ; attempt++) {
            pace(channel);
            inFlight.acquire(urgent);
            try (Response response = http.newCall(request).execute()) {
                if (response.code() == 429) {
                    calls.called(method, "rate_limited");
                    if (attempt < MAX_RETRIES) {
                        long seconds = retryAfter(response.header("Retry-After"));
                        LOG.warn("{}: rate limited by Slack, retrying in {} s", method, seconds);
                        Thread.sleep(Duration.ofSeconds(seconds)); // Slack's own instruction, not a guess
                        continue;
                    }
                }
                if (!response.isSuccessful()) {
                    calls.called(method, "failed");
                    throw new SlackError(method, "HTTP " + response.code());
                }
                okhttp3.ResponseBody answer = response.body();
                JsonObject json = JsonParser.parseString(answer == null ? "" : answer.string()).getAsJsonObject();
                boolean ok = json.get("ok") instanceof JsonElement e && e.isJsonPrimitive() && e.getAsBoolean();
                calls.called(method, ok ? "ok" : "error");
                if (!ok) {
                    throw new SlackError(method, json.has("error") ? text(json, "error") : "no ok in the answer");
                }
                return json;
            } catch (java.io.InterruptedIOException e) {
                if (Thread.currentThread().isInterrupted()) {
                    throw new InterruptedException(method + " interrupted");
                }
                calls.called(method, "failed");
                throw new SlackError(method, "timed out");
            } catch (IOException e) {
                calls.called(method, "failed");
                throw new SlackError(method, e.getClass().getSimpleName() + ": " + e.getMessage());
            } catch (RuntimeException e) { // an answer that is not the JSON object Slack sends
                calls.called(method, "failed");
                throw new SlackError(method, "unreadable answer: " + e.getMessage());
            } finally {
                inFlight.release();
            }
        }
    }

    private static long retryAfter(@Nullable String header) {
        try {
            return header == null ? 1 : Math.max(0, Math.min(600, Long.parseLong(header.strip())));
        } catch (NumberFormatException e) {
            return 1;
        }
    }

    /** Waits for this channel's next free slot. */
    private void pace(String channel) throws InterruptedException {
        if (interval.isZero()) {
            return;
        }
        long now = System.nanoTime();
        long slot = nextSlot.merge(channel, now + interval.toNanos(),
                (previous, proposed) -> Math.max(previous, now) + interval.toNanos()) - interval.toNanos();
        long wait = slot - now;
        if (wait > 0) {
            Thread.sleep(Duration.ofNanos(wait));
        }
    }
}
