package dev.mxdoctor.slack;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.mxdoctor.history.RunSummary;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a person may be shown of the shared history in Slack: their own runs, and runs from conversations they are a
 * member of. A run from a private channel or a direct message is never listed to someone outside it. When Slack will
 * not say who is where (the app lacks the scopes to ask), a person sees only their own runs.
 */
final class Visibility {

    private static final Logger LOG = LoggerFactory.getLogger(Visibility.class);

    @FunctionalInterface
    interface Conversations {
        Set<String> of(String user) throws Exception;
    }

    private final Conversations conversations;
    // Memberships change rarely and App Home opens often: asked at most every two minutes per person.
    private final Cache<String, Optional<Set<String>>> cache = Caffeine.newBuilder()
            .expireAfterWrite(Duration.ofMinutes(2)).maximumSize(10_000).build();
    private final AtomicBoolean warned = new AtomicBoolean();

    Visibility(Conversations conversations) {
        this.conversations = conversations;
    }

    /** The conversations {@code user} is in; empty when Slack would not say. */
    Optional<Set<String>> conversationsOf(String user) {
        return cache.get(user, u -> {
            try {
                return Optional.of(Set.copyOf(conversations.of(u)));
            } catch (Poster.SlackError e) {
                if (warned.compareAndSet(false, true)) {
                    LOG.warn("Slack would not say which conversations people are in ({}); the App Home and history "
                            + "show each person only their own runs. Reinstall the app from manifest.yml to grant "
                            + "channels:read, groups:read, im:read and mpim:read", e.error());
                }
                return Optional.empty();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            } catch (Exception e) {
                LOG.warn("could not ask Slack which conversations {} is in: {}", u, e.toString());
                return Optional.empty();
            }
        });
    }

    /** The runs {@code viewer} may see, in their order. */
    List<RunSummary> visible(List<RunSummary> runs, String viewer) {
        Optional<Set<String>> in = conversationsOf(viewer);
        return runs.stream().filter(r -> r.requester().equals(viewer)
                || (r.channel().isPresent() && in.map(s -> s.contains(r.channel().get())).orElse(false))).toList();
    }

    /** Whether {@code user} is a member of {@code channel} (false when Slack would not say). */
    boolean isMember(String user, String channel) {
        return conversationsOf(user).map(s -> s.contains(channel)).orElse(false);
    }
}
