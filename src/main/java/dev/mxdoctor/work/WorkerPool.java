package dev.mxdoctor.work;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Runs checks for chat users: each on a virtual thread, at most {@code maxRunning} at once across the bot; the rest
 * wait in a queue of at most {@code maxQueued}, in order, and are told where they stand as it moves. At most
 * {@code maxPerUser} queued or running for one person; cancellable by id. Accepting a job never blocks, so a chat
 * handler can acknowledge at once.
 */
public final class WorkerPool implements AutoCloseable {

    /**
     * A unit of work. {@link #queued} is told how many jobs are ahead whenever that changes while it waits;
     * {@link #cancelledBeforeStart()} runs instead of it when cancelled while still queued.
     */
    public interface Job {
        void run();

        default void queued(int ahead) {}

        default void cancelledBeforeStart() {}
    }

    /** Why a job was not accepted. */
    public static final class Rejected extends Exception {
        private static final long serialVersionUID = 1L;

        Rejected(String message) {
            super(message);
        }

        @Override
        public String getMessage() {
            return java.util.Objects.requireNonNullElse(super.getMessage(), "rejected");
        }
    }

    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    private final Semaphore running;
    private final AtomicInteger runningNow = new AtomicInteger();
    private final AtomicInteger jobs = new AtomicInteger(); // accepted and not finished
    private final int maxPerUser;
    private final int maxQueued;
    private final Map<String, AtomicInteger> perUser = new ConcurrentHashMap<>();
    private final Map<String, Thread> active = new ConcurrentHashMap<>();
    private final Set<String> cancelled = ConcurrentHashMap.newKeySet();
    private final ReentrantLock lock = new ReentrantLock();
    private final java.util.concurrent.locks.Condition idle = lock.newCondition();
    private final LinkedHashMap<String, Job> waiting = new LinkedHashMap<>(); // in queue order, guarded by lock

    public WorkerPool(int maxRunning, int maxPerUser, int maxQueued) {
        this.running = new Semaphore(maxRunning, true);
        this.maxPerUser = maxPerUser;
        this.maxQueued = maxQueued;
    }

    /**
     * Accepts a job for {@code user} under {@code id}.
     *
     * @throws Rejected when the user already has {@code maxPerUser} jobs, or the queue is full
     */
    public void submit(String id, String user, Job job) throws Rejected {
        AtomicInteger count = perUser.computeIfAbsent(user, u -> new AtomicInteger());
        if (count.incrementAndGet() > maxPerUser) {
            count.decrementAndGet();
            throw new Rejected("you already have " + maxPerUser + " checks running or waiting; wait for one to "
                    + "finish");
        }
        boolean immediate = running.tryAcquire();
        int ahead = 0;
        if (!immediate) {
            lock.lock();
            try {
                if (waiting.size() >= maxQueued) {
                    count.decrementAndGet();
                    throw new Rejected("mxdoctor is busy: " + waiting.size() + " checks are waiting already; try "
                            + "again in a minute");
                }
                ahead = waiting.size();
                waiting.put(id, job);
            } finally {
                lock.unlock();
            }
            job.queued(ahead);
        }
        jobs.incrementAndGet();
        threads.submit(() -> {
            active.put(id, Thread.currentThread());
            try {
                if (!immediate) {
                    try {
                        running.acquire();
                    } finally {
                        leaveQueue(id);
                    }
                }
                runningNow.incrementAndGet();
                try {
                    job.run();
                } finally {
                    runningNow.decrementAndGet();
                    running.release();
                }
            } catch (InterruptedException e) {
                job.cancelledBeforeStart();
            } finally {
                active.remove(id);
                cancelled.remove(id);
                count.decrementAndGet();
                jobs.decrementAndGet();
                lock.lock();
                try {
                    idle.signalAll();
                } finally {
                    lock.unlock();
                }
            }
        });
    }

    /** Takes a job out of the queue and tells the ones behind it that they moved up. */
    private void leaveQueue(String id) {
        List<Map.Entry<Job, Integer>> moved = new ArrayList<>();
        lock.lock();
        try {
            boolean behind = false;
            int position = 0;
            for (var it = waiting.entrySet().iterator(); it.hasNext(); ) {
                Map.Entry<String, Job> e = it.next();
                if (e.getKey().equals(id)) {
                    it.remove();
                    behind = true;
                    continue;
                }
                if (behind) {
                    moved.add(Map.entry(e.getValue(), position));
                }
                position++;
            }
        } finally {
            lock.unlock();
        }
        moved.forEach(m -> m.getKey().queued(m.getValue())); // outside the lock: a job may talk to Slack
    }

    /** Jobs running now (not waiting for a place). */
    public int running() {
        return runningNow.get();
    }

    /** Jobs waiting for a place. */
    public int queued() {
        lock.lock();
        try {
            return waiting.size();
        } finally {
            lock.unlock();
        }
    }

    /** Waits until no job runs or waits, at most {@code wait}; true when idle. */
    public boolean awaitIdle(java.time.Duration wait) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        lock.lock();
        try {
            while (jobs.get() > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                idle.awaitNanos(left);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Cancels every job, queued or running (at shutdown). */
    public void cancelAll() {
        active.keySet().forEach(this::cancel);
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
