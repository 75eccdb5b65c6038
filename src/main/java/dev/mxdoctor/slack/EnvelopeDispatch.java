package dev.mxdoctor.slack;

import com.slack.api.socket_mode.SocketModeClient;
import com.slack.api.socket_mode.queue.SocketModeMessageQueue;
import java.io.IOException;
import org.jspecify.annotations.Nullable;

/**
 * Hands each Socket Mode message to a thread of its own ({@link AckThreads}) as it arrives. The Slack SDK queues them
 * for a single thread that takes at most a fixed number every 10 ms and handles them one after the other: a burst of
 * commands waited its turn to be acknowledged (200 at once: p99 about 210 ms, see docs/benchmarks.md), and one slow
 * handler held up every other envelope. Installed as the client's message queue once it is connected; whatever the
 * SDK had queued before is still polled from the previous queue by its own processor.
 */
final class EnvelopeDispatch implements SocketModeMessageQueue {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(EnvelopeDispatch.class);

    /** What handles one message (the SDK client's {@code processMessage}). */
    @FunctionalInterface
    interface Handler {
        void handle(String message) throws IOException;
    }

    private final Handler handler;
    private final SocketModeMessageQueue previous;
    private final java.util.concurrent.Executor threads = AckThreads.create("socket-mode-message-",
            AckThreads.MAX_PLATFORM);

    EnvelopeDispatch(Handler handler, SocketModeMessageQueue previous) {
        this.handler = handler;
        this.previous = previous;
    }

    /** Makes {@code client} hand its messages out as they arrive. */
    static void install(SocketModeClient client) {
        client.setMessageQueue(new EnvelopeDispatch(client::processMessage, client.getMessageQueue()));
    }

    @Override
    public void add(String message) {
        threads.execute(() -> {
            try {
                handler.handle(message);
            } catch (IOException | RuntimeException e) {
                LOG.error("Socket Mode: a message could not be handled: {}", e.getMessage(), e);
            }
        });
    }

    @Override
    public @Nullable String poll() {
        return previous.poll();
    }
}
