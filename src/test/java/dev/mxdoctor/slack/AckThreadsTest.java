package dev.mxdoctor.slack;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class AckThreadsTest {

    @Test
    void requestsRunOnPlatformThreads_upToTheBound_andTheRestOnVirtualOnes_allAtOnce() throws Exception {
        ExecutorService threads = AckThreads.create("test-", 2);
        CountDownLatch started = new CountDownLatch(5);
        CountDownLatch release = new CountDownLatch(1);
        List<Thread> ran = new CopyOnWriteArrayList<>();
        try {
            for (int i = 0; i < 5; i++) {
                threads.execute(() -> {
                    ran.add(Thread.currentThread());
                    started.countDown();
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
            }
            // All five hold their thread at once: none waits for one of the two platform threads to come free.
            assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(ran.stream().map(Thread::isVirtual)).containsExactlyInAnyOrder(false, false, true, true, true);
            assertThat(ran).filteredOn(t -> !t.isVirtual()).allSatisfy(t -> {
                assertThat(t.isDaemon()).isTrue(); // never what keeps the bot's process alive
                assertThat(t.getName()).startsWith("test-");
            });
        } finally {
            release.countDown();
            threads.shutdownNow();
        }
    }
}
