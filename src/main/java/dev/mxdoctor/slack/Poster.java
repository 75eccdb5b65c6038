package dev.mxdoctor.slack;

import com.slack.api.Slack;
import com.slack.api.methods.MethodsClient;
import com.slack.api.methods.SlackApiException;
import com.slack.api.methods.SlackApiTextResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends messages to Slack within its rate limits: at most one message per {@code interval} per channel (Slack
 * allows about one a second, with short bursts), and on HTTP 429 waits {@code Retry-After} and tries again, so
 * no message is lost. Errors come back as {@link SlackError}, never as a stack trace in a channel.
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

    @FunctionalInterface
    private interface Call<T extends SlackApiTextResponse> {
        T call(MethodsClient client) throws IOException, SlackApiException;
    }

    private final Slack slack;
    private final MethodsClient client;
    private final Duration interval;
    private final Map<String, Long> nextSlot = new ConcurrentHashMap<>();

    /** Hears of every Web API call: its method and outcome (ok, error, rate_limited, failed). */
    @FunctionalInterface
    interface CallListener {
        void called(String method, String outcome);
    }

    private final CallListener calls;

    Poster(Slack slack, String botToken, Duration interval, CallListener calls) {
        this.slack = slack;
        this.calls = calls;
        this.client = slack.methods(botToken);
        this.interval = interval;
    }

    /** Posts a message; returns its ts. */
    String post(String channel, @Nullable String threadTs, SlackRender.Message m) throws SlackError, InterruptedException {
        return send("chat.postMessage", channel, c -> c.chatPostMessage(r -> r.channel(channel).threadTs(threadTs)
                .text(m.text()).blocksAsString(m.blocksJson()).unfurlLinks(false))).getTs();
    }

    void update(String channel, String ts, SlackRender.Message m) throws SlackError, InterruptedException {
        send("chat.update", channel, c -> c.chatUpdate(r -> r.channel(channel).ts(ts).text(m.text())
                .blocksAsString(m.blocksJson())));
    }

    void ephemeral(String channel, String user, @Nullable String threadTs, String text) throws SlackError, InterruptedException {
        send("chat.postEphemeral", channel, c -> c.chatPostEphemeral(r -> r.channel(channel).user(user)
                .threadTs(threadTs).text(text)));
    }

    void publishHome(String user, String viewJson) throws SlackError, InterruptedException {
        send("views.publish", "home:" + user, c -> c.viewsPublish(r -> r.userId(user).viewAsString(viewJson)));
    }

    /**
     * The conversations {@code user} is a member of, as far as the bot can see (public and private channels, group
     * and direct messages); needs the scopes channels:read, groups:read, im:read and mpim:read.
     */
    java.util.Set<String> conversationsOf(String user) throws SlackError, InterruptedException {
        java.util.Set<String> ids = new java.util.HashSet<>();
        String cursor = null;
        do {
            String page = cursor;
            var response = send("users.conversations", "members:" + user, c -> c.usersConversations(r -> r.user(user)
                    .types(List.of(com.slack.api.model.ConversationType.PUBLIC_CHANNEL,
                            com.slack.api.model.ConversationType.PRIVATE_CHANNEL,
                            com.slack.api.model.ConversationType.MPIM, com.slack.api.model.ConversationType.IM))
                    .excludeArchived(true).limit(200).cursor(page)));
            response.getChannels().forEach(ch -> ids.add(ch.getId()));
            cursor = response.getResponseMetadata() == null ? null : response.getResponseMetadata().getNextCursor();
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

    private <T extends SlackApiTextResponse> T send(String method, String channel, Call<T> call)
            throws SlackError, InterruptedException {
        for (int attempt = 0; ; attempt++) {
            pace(channel);
            try {
                T response = call.call(client);
                calls.called(method, response.isOk() ? "ok" : "error");
                if (!response.isOk()) {
                    throw new SlackError(method, response.getError());
                }
                return response;
            } catch (SlackApiException e) {
                calls.called(method, e.getResponse().code() == 429 ? "rate_limited" : "failed");
                if (e.getResponse().code() == 429 && attempt < MAX_RETRIES) {
                    long seconds = Optional.ofNullable(e.getResponse().header("Retry-After"))
                            .map(Long::parseLong).orElse(1L);
                    LOG.warn("{}: rate limited by Slack, retrying in {} s", method, seconds);
                    Thread.sleep(Duration.ofSeconds(seconds)); // Slack's own instruction, not a guess
                    continue;
                }
                throw new SlackError(method, "HTTP " + e.getResponse().code());
            } catch (IOException e) {
                calls.called(method, "failed");
                throw new SlackError(method, e.getClass().getSimpleName() + ": " + e.getMessage());
            }
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
