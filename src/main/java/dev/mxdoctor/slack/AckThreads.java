package dev.mxdoctor.slack;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The threads that take Slack's requests and acknowledge them: platform threads, up to a bound, then virtual ones.
 *
 * <p>Why not virtual threads throughout: the checks run on virtual threads, and the JDK schedules those first come,
 * first served on as many carrier threads as there are cores. A request that arrived during a burst waited behind the
 * work of every check the burst had already started, although Slack gives it 3 s and the checks have no such deadline.
 * Platform threads are scheduled by the operating system, which shares the cores between them and the carriers, so an
 * acknowledgement no longer queues behind check work (200 commands at once, five interleaved pairs: ack p99 37–162 ms
 * on virtual threads, 39–118 ms on these; docs/benchmarks.md). Beyond {@link #MAX_PLATFORM} requests at once (a
 * flood, or clients that send slowly) the rest go to virtual threads, so that nothing waits for a platform thread.
 */
final class AckThreads {

    /** Platform threads at most; each waits for little but its request's bytes and the handler's CPU. */
    static final int MAX_PLATFORM = 64;

    private AckThreads() {}

    /** An executor with {@code maxPlatform} platform threads (idle ones end after 30 s), then virtual threads. */
    static ExecutorService create(String name, int maxPlatform) {
        ExecutorService overflow = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name(name + "v-", 0)
                .factory());
        ThreadPoolExecutor platform = new ThreadPoolExecutor(0, maxPlatform, 30, TimeUnit.SECONDS,
                new SynchronousQueue<>(), Thread.ofPlatform().daemon().name(name, 0).factory(),
                (task, pool) -> {
                    if (!pool.isShutdown()) {
                        overflow.execute(task);
                    }
                }) {
            @Override
            protected void terminated() {
                overflow.shutdownNow();
            }
        };
        return platform;
    }
}
