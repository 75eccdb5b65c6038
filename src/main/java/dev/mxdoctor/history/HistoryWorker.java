package dev.mxdoctor.history;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread that talks to the history database. Writes wait in a bounded queue, in order (a run's end must
 * follow its start, and "what changed" must see the run before); reads go first. When the database fails, it is
 * left alone for a back-off (0.5 s doubling to 30 s) while writes wait; reads asked meanwhile fail at once instead of
 * waiting. No caller ever holds a lock across database I/O: they wait on futures, with their own budgets.
 */
final class HistoryWorker {

    // Made on first use (see History).
    private static final class Log {
        static final Logger LOG = LoggerFactory.getLogger(HistoryWorker.class);
    }

    /** Writes kept while the database is down; the oldest are dropped beyond this (and the log says so). */
    static final int MAX_PENDING = 1000;

    private static final Duration NEVER_OPENED_GRACE = Duration.ofSeconds(1);
    private static final long FIRST_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(500);
    private static final long MAX_BACKOFF_NANOS = TimeUnit.SECONDS.toNanos(30);

    /** One database operation. */
    @FunctionalInterface
    interface Op<T> {
        T apply(HistoryStore store) throws HistoryException;
    }

    private record Task(String what, Op<?> op, CompletableFuture<Object> result, boolean write) {}

    private final @Nullable String url;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final Deque<Task> writes = new ArrayDeque<>();
    private final Deque<Task> reads = new ArrayDeque<>();
    private final CompletableFuture<Void> opened = new CompletableFuture<>();
    private @Nullable Thread thread;
    private @Nullable HistoryStore store; // the worker thread's alone
    private volatile Optional<String> problem = Optional.empty();
    /** Writes given up (dropped, refused by the database, or failed with nobody left to retry them). */
    private final java.util.concurrent.atomic.AtomicLong writesLost = new java.util.concurrent.atomic.AtomicLong();
    private boolean down;
    private int failures;
    private long retryAt;
    private @Nullable HistoryException fatal;
    private boolean closing;
    private long drainUntil;

    private HistoryWorker(@Nullable String url) {
        this.url = url;
    }

    static HistoryWorker start(String url, Runnable first) {
        HistoryWorker w = new HistoryWorker(url);
        Thread t = Thread.ofPlatform().name("history-writer").daemon(true).unstarted(() -> {
            try {
                first.run();
            } catch (RuntimeException | LinkageError e) {
                // only a preliminary (quieting the logs): the history itself must still be written
            }
            w.loop();
        });
        w.thread = t;
        t.start();
        return w;
    }

    static HistoryWorker disabled() {
        HistoryWorker w = new HistoryWorker(null);
        w.fatal = new HistoryException(HistoryException.Kind.UNAVAILABLE, "the history is off (MXDOCTOR_DB=none)",
                null);
        w.opened.completeExceptionally(w.fatal);
        return w;
    }

    boolean enabled() {
        return url != null;
    }

    Optional<String> problem() {
        return problem;
    }

    /** Completes when the database first opens; fails only when it never will (a schema newer than this code). */
    CompletableFuture<Void> opened() {
        return opened;
    }

    /**
     * Queues a write. Its future fails at once when the database is known to be down (the write itself still waits
     * for it), so that callers never wait for a database that is not there.
     */
    <T> CompletableFuture<T> write(String what, Op<T> op) {
        return submit(what, op, true);
    }

    /** Asks something of the database ahead of queued writes; fails at once while the database is down. */
    <T> CompletableFuture<T> read(String what, Op<T> op) {
        return submit(what, op, false);
    }

    @SuppressWarnings("unchecked")
    private <T> CompletableFuture<T> submit(String what, Op<T> op, boolean write) {
        CompletableFuture<Object> result = new CompletableFuture<>();
        Task task = new Task(what, op, result, write);
        lock.lock();
        try {
            HistoryException stop = fatal;
            if (stop != null || closing) {
                result.completeExceptionally(stop != null ? stop : unavailable("the history is closing"));
                return (CompletableFuture<T>) (CompletableFuture<?>) result;
            }
            if (down && System.nanoTime() - retryAt < 0) {
                result.completeExceptionally(unavailable(problem.orElse("the database is down")));
                if (!write) {
                    return (CompletableFuture<T>) (CompletableFuture<?>) result;
                }
            }
            if (write) {
                if (writes.size() >= MAX_PENDING) {
                    Task dropped = writes.pollFirst();
                    Log.LOG.warn("history: {} writes wait for the database; dropped the oldest ({})", MAX_PENDING,
                            dropped.what());
                    dropped.result().completeExceptionally(unavailable("dropped: too many writes waiting"));
                    writesLost.incrementAndGet();
                }
                writes.addLast(task);
            } else {
                reads.addLast(task);
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        return (CompletableFuture<T>) (CompletableFuture<?>) result;
    }

    int pending() {
        lock.lock();
        try {
            return writes.size();
        } finally {
            lock.unlock();
        }
    }

    void retryNow() {
        lock.lock();
        try {
            retryAt = System.nanoTime();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void loop() {
        try {
            ensureOpen(); // at once: a command-line run opens SQLite while its check runs
        } catch (HistoryException e) {
            failed(null, e);
        }
        try {
            for (Task t = next(); t != null; t = next()) {
                execute(t);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (store != null) {
                store.close();
            }
        }
    }

    /** The next task, waiting for one; null when closing and there is nothing more to do. */
    private @Nullable Task next() throws InterruptedException {
        lock.lock();
        try {
            while (true) {
                long now = System.nanoTime();
                if (closing && now - drainUntil >= 0) {
                    return null;
                }
                if (!reads.isEmpty()) {
                    return reads.pollFirst();
                }
                boolean due = !down || now - retryAt >= 0;
                if (!writes.isEmpty() && fatal == null && due) {
                    return writes.peekFirst();
                }
                if (closing && (writes.isEmpty() || fatal != null)) {
                    return null;
                }
                long wait = Long.MAX_VALUE;
                if (closing) {
                    wait = drainUntil - now;
                }
                if (!writes.isEmpty() && fatal == null) {
                    wait = Math.min(wait, retryAt - now);
                }
                if (wait == Long.MAX_VALUE) {
                    changed.await();
                } else {
                    changed.awaitNanos(wait);
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** Writes waiting for the database. */
    int pendingWrites() {
        lock.lock();
        try {
            return writes.size();
        } finally {
            lock.unlock();
        }
    }

    /** Writes given up since start. */
    long writesLost() {
        return writesLost.get();
    }

    private void execute(Task t) {
        if (!t.write() && t.result().isDone()) {
            return; // its caller stopped waiting
        }
        try {
            Object value = t.op().apply(ensureOpen());
            succeeded(t);
            t.result().complete(value);
        } catch (HistoryException e) {
            failed(t, e);
        } catch (RuntimeException | LinkageError e) {
            // A bug in an operation, not the database's fault: that operation is dropped, the others go on.
            failed(t, new HistoryException(HistoryException.Kind.REJECTED, "cannot " + t.what() + ": "
                    + HistoryStore.rootMessage(e), e));
        }
    }

    private HistoryStore ensureOpen() throws HistoryException {
        HistoryStore s = store;
        if (s == null) {
            s = HistoryStore.open(java.util.Objects.requireNonNull(url));
            store = s;
            opened.complete(null);
        }
        return s;
    }

    private void succeeded(Task t) {
        lock.lock();
        try {
            if (t.write()) {
                writes.remove(t);
            }
            if (down) {
                Log.LOG.info("history: the database is back; writing {} waiting runs", writes.size());
            }
            down = false;
            failures = 0;
            problem = Optional.empty();
        } finally {
            lock.unlock();
        }
    }

    private void failed(@Nullable Task t, HistoryException e) {
        if (e.kind() == HistoryException.Kind.REJECTED && t != null) {
            String id = dev.mxdoctor.report.ErrorId.next();
            Log.LOG.warn("history: {} (error id {}); dropping this operation", e.getMessage(), id, e);
            if (t.write()) {
                writesLost.incrementAndGet();
            }
            lock.lock();
            try {
                writes.remove(t);
            } finally {
                lock.unlock();
            }
            t.result().completeExceptionally(e);
            return;
        }
        if (store != null) {
            store.close();
            store = null;
        }
        lock.lock();
        try {
            if (e.kind() == HistoryException.Kind.SCHEMA_TOO_NEW) {
                Log.LOG.error("history: {}; runs are not recorded", e.getMessage());
                opened.completeExceptionally(e);
                fatal = e;
                writes.forEach(w -> w.result().completeExceptionally(e));
                writesLost.addAndGet(writes.size());
                writes.clear();
            } else {
                if (!down) {
                    Log.LOG.warn("history: {}; runs wait in memory (at most {}) until the database is back",
                            e.getMessage(), MAX_PENDING);
                }
                down = true;
                retryAt = System.nanoTime() + Math.min(MAX_BACKOFF_NANOS, FIRST_BACKOFF_NANOS << Math.min(failures,
                        10));
                failures++;
            }
            problem = Optional.of(e.getMessage());
            // Nobody waits for a database that is down: fail what is asked and what waits to be answered (the
            // writes themselves stay queued).
            reads.forEach(r -> r.result().completeExceptionally(e));
            reads.clear();
            writes.forEach(w -> w.result().completeExceptionally(e));
            if (t != null) {
                t.result().completeExceptionally(e);
            }
        } finally {
            lock.unlock();
        }
    }

    private static HistoryException unavailable(String why) {
        return new HistoryException(HistoryException.Kind.UNAVAILABLE, why, null);
    }

    /**
     * Stops taking work, writes what waits for at most {@code grace} (trying the database once more at once), and
     * returns how many writes were not made.
     */
    int close(Duration grace) {
        Thread t = thread;
        if (t == null) {
            return 0;
        }
        // A database that never answered (down, or hanging on connect) gets a second, not the whole grace.
        Duration wait = opened.isDone() && !opened.isCompletedExceptionally() ? grace
                : grace.compareTo(NEVER_OPENED_GRACE) < 0 ? grace : NEVER_OPENED_GRACE;
        lock.lock();
        try {
            closing = true;
            drainUntil = System.nanoTime() + wait.toNanos();
            retryAt = System.nanoTime();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        try {
            t.join(wait.plusMillis(200));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        lock.lock();
        try {
            int lost = writes.size();
            writes.forEach(w -> w.result().completeExceptionally(unavailable("the history closed")));
            writes.clear();
            return lost;
        } finally {
            lock.unlock();
        }
    }
}
