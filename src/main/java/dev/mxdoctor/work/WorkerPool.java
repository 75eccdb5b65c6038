package dev.mxdoctor.work;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs checks for chat users: each on a virtual thread, at most {@code maxRunning} at once across the bot (the
 * rest wait their turn), at most {@code maxPerUser} queued or running for one user, and cancellable by id.
 * Accepting a job never blocks, so a chat handler can acknowledge at once.
 */
public final class WorkerPool implements AutoCloseable {

    /** A unit of work; {@link #cancelledBeforeStart()} runs instead of it when cancelled while still queued. */
    public interface Job {
        void run();

        default void cancelledBeforeStart() {}
    }

    /** Why a job was not accepted. */
    public static final class Rejected extends Exception {
        private static final long serialVersionUID = 1L;

        Rejected(String message) {
            super(message);
        }
    }

    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    private final Semaphore running;
    private final int maxPerUser;
    private final Map<String, AtomicInteger> perUser = new ConcurrentHashMap<>();
    private final Map<String, Thread> active = new ConcurrentHashMap<>();
    private final Set<String> cancelled = ConcurrentHashMap.newKeySet();

    public WorkerPool(int maxRunning, int maxPerUser) {
        this.running = new Semaphore(maxRunning, true);
        this.maxPerUser = maxPerUser;
    }

    /**
     * Accepts a job for {@code user} under {@code id}.
     *
     * @throws Rejected when the user already has {@code maxPerUser} jobs
     */
    public void submit(String id, String user, Job job) throws Rejected {
        AtomicInteger count = perUser.computeIfAbsent(user, u -> new AtomicInteger());
        if (count.incrementAndGet() > maxPerUser) {
            count.decrementAndGet();
            throw new Rejected("you already have " + maxPerUser + " checks running; wait for one to finish");
        }
        threads.submit(() -> {
            active.put(id, Thread.currentThread());
            try {
                running.acquire();
                try {
                    job.run();
                } finally {
                    running.release();
                }
            } catch (InterruptedException e) {
                job.cancelledBeforeStart();
            } finally {
                active.remove(id);
                cancelled.remove(id);
                count.decrementAndGet();
            }
        });
    }

    /** Interrupts the job with this id (its waits end early); true if it was still queued or running. */
    public boolean cancel(String id) {
        Thread t = active.get(id);
        if (t == null) {
            return false;
        }
        cancelled.add(id);
        t.interrupt();
        return true;
    }

    /** Whether {@link #cancel} was called for this running job. */
    public boolean isCancelled(String id) {
        return cancelled.contains(id);
    }

    @Override
    public void close() {
        threads.shutdownNow();
    }
}
