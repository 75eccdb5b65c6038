package dev.mxdoctor.slack;

import static org.assertj.core.api.Assertions.assertThat;

import com.slack.api.socket_mode.queue.impl.ConcurrentLinkedMessageQueue;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class EnvelopeDispatchTest {

    @Test
    void aSlowMessage_doesNotHoldUpTheNext() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch fastHandled = new CountDownLatch(1);
        List<String> handled = new CopyOnWriteArrayList<>();
        EnvelopeDispatch dispatch = new EnvelopeDispatch(message -> {
            if (message.equals("slow")) {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            handled.add(message);
            if (message.equals("fast")) {
                fastHandled.countDown();
            }
        }, new ConcurrentLinkedMessageQueue());

        dispatch.add("slow");
        dispatch.add("fast");
        // With the SDK's one processing thread "fast" would wait for "slow", which waits for this test.
        assertThat(fastHandled.await(20, TimeUnit.SECONDS)).as("fast handled while slow still runs").isTrue();
        assertThat(handled).containsExactly("fast");
        release.countDown();
    }

    @Test
    void whatWasQueuedBeforeTheSwitch_isStillPolled_andNewMessagesAreNotQueued() {
        ConcurrentLinkedMessageQueue before = new ConcurrentLinkedMessageQueue();
        before.add("queued before");
        List<String> handled = new CopyOnWriteArrayList<>();
        EnvelopeDispatch dispatch = new EnvelopeDispatch(handled::add, before);
        assertThat(dispatch.poll()).isEqualTo("queued before");
        assertThat(dispatch.poll()).isNull();
    }

    @Test
    void aHandlerThatFails_costsOnlyItsOwnMessage() throws Exception {
        CountDownLatch next = new CountDownLatch(1);
        EnvelopeDispatch dispatch = new EnvelopeDispatch(message -> {
            if (message.equals("bad")) {
                throw new java.io.IOException("unreadable");
            }
            next.countDown();
        }, new ConcurrentLinkedMessageQueue());
        dispatch.add("bad");
        dispatch.add("good");
        assertThat(next.await(20, TimeUnit.SECONDS)).as("the next message handled").isTrue();
    }
}
