package dev.mxdoctor.history;

import dev.mxdoctor.report.Report;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The history as the rest of mxdoctor uses it: an observer of runs that never costs the user the answer. Every
 * database operation happens on one writer thread ({@link HistoryWorker}); callers wait for a result at most
 * their budget and otherwise go on without it. Nothing here throws to its caller but {@link #latest}, whose
 * caller asked for the history itself; {@link #problem()} says why runs are not being written.
 */
public final class History implements AutoCloseable {

    // The logger is made on first use, not when the class loads: the command line opens the history on its main
    // thread and starts the logging system on the history's own (see Main), off the critical path.
    private static final class Log {
        static final Logger LOG = LoggerFactory.getLogger(History.class);
    }

    /** A run still "running" after this long has lost its process (no run may last longer than 10 minutes). */
    static final Duration STALE_AFTER = Duration.ofHours(1);
    /** How often a bot says it is alive, and how long a silence means it is gone (three beats missed). */
    public static final Duration HEARTBEAT = Duration.ofSeconds(15);
    static final Duration SILENT_AFTER = HEARTBEAT.multipliedBy(4);

    /** How long the callers of this history wait for it. */
    public record Budgets(Duration answer, Duration claim, Duration read, Duration drain) {
        /** What the CLI and the bot use: the answer waits 2 s for "what changed", an ack 1 s for its claim. */
        public static final Budgets DEFAULT = new Budgets(Duration.ofSeconds(2), Duration.ofSeconds(1),
                Duration.ofSeconds(5), Duration.ofSeconds(5));
    }

    private final HistoryWorker worker;
    private final Clock clock;
    private final Budgets budgets;
    // Asked on the history's thread, where it is first needed: reading the process's start time is not free.
    private volatile @Nullable Owner owner;

    private History(HistoryWorker worker, Clock clock, Budgets budgets) {
        this.worker = worker;
        this.clock = clock;
        this.budgets = budgets;
    }

    private Owner owner() {
        Owner o = owner;
        if (o == null) {
            o = Owner.current(); // two threads may both ask: the same answer
            owner = o;
        }
        return o;
    }

    /** The history at {@code jdbcUrl}, opened on its own thread (so start-up never waits for the database). */
    public static History open(String jdbcUrl, Clock clock, Budgets budgets) {
        return open(jdbcUrl, clock, budgets, () -> {});
    }

    /**
     * As {@link #open(String, Clock, Budgets)}, running {@code first} on the history's thread before it opens the
     * database (the command line quiets the history's logging there, off its own critical path).
     */
    public static History open(String jdbcUrl, Clock clock, Budgets budgets, Runnable first) {
        return new History(HistoryWorker.start(jdbcUrl, first), clock, budgets);
    }

    /** No history at all ({@code MXDOCTOR_DB=none}): nothing is written, nothing is compared. */
    public static History disabled(Clock clock) {
        return new History(HistoryWorker.disabled(), clock, Budgets.DEFAULT);
    }

    /** Whether runs are recorded at all. */
    public boolean enabled() {
        return worker.enabled();
    }

    /** Writes waiting for the database (for /metrics). */
    public int pendingWrites() {
        return worker.pendingWrites();
    }

    /** Writes given up since start: dropped while the database was away, or refused by it (for /metrics). */
    public long writesLost() {
        return worker.writesLost();
    }

    /** Why the history is not being written right now, if it is not. */
    public Optional<String> problem() {
        return worker.problem();
    }

    /**
     * Waits (at most {@code wait}) for the database to open, for the bot's start-up. Only a schema newer than this
     * code is an error: a database that is down is logged, and the bot answers without it until it is back.
     */
    @SuppressWarnings("FutureReturnValueIgnored") // the worker logs a failure and keeps problem() current
    public void awaitOpen(Duration wait) throws HistoryException {
        worker.write("open the database", s -> Boolean.TRUE); // waits, and retries, while the database is down
        try {
            worker.opened().get(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof HistoryException h && h.kind() == HistoryException.Kind.SCHEMA_TOO_NEW) {
                throw h;
            }
        } catch (TimeoutException e) {
            Log.LOG.warn("history: the database did not open within {} s; answering without it until it does",
                    wait.toSeconds());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Records that a run started (queued: returns at once). */
    @SuppressWarnings("FutureReturnValueIgnored") // the worker logs a failure and keeps problem() current
    public Run begin(RunRecord run) {
        worker.write("record the start of run " + run.id(), s -> {
            s.start(run, owner().label());
            return run.id();
        });
        return new Run(run);
    }

    // Reports lately stored, by identity, with their JSON and (once compared) their snapshot. Runs that shared one
    // check in flight finish with the same report, interleaved with other such groups when many end together: each
    // was serialised again, and parsed again as the next one's "previous run" (a third of the history's time in the
    // load benchmark). Touched only on the history's own thread.
    private static final int REMEMBERED = 64;
    private final java.util.ArrayDeque<Stored> recent = new java.util.ArrayDeque<>();
    // Snapshots of the runs lately finished here, by run id: the next run of the same query compares with one of
    // them without reading its report back. Also only on the history's thread.
    private final java.util.LinkedHashMap<String, Snapshot> finished = new java.util.LinkedHashMap<>(16, 0.75f,
            true) {
        @Override
        protected boolean removeEldestEntry(java.util.Map.Entry<String, Snapshot> eldest) {
            return size() > 4 * REMEMBERED;
        }
    };

    /** A report lately stored: its JSON, and its snapshot once one was needed. */
    private static final class Stored {
        final Report report;
        final String json;
        @Nullable Snapshot snapshot;

        Stored(Report report, String json) {
            this.report = report;
            this.json = json;
        }

        Snapshot snapshot() {
            Snapshot s = snapshot;
            if (s == null) {
                s = Snapshot.fromJson(json);
                snapshot = s;
            }
            return s;
        }
    }

    private Stored stored(Report report) {
        for (Stored s : recent) {
            if (s.report == report) {
                return s;
            }
        }
        Stored s = new Stored(report, dev.mxdoctor.report.JsonReport.compact(report));
        recent.addFirst(s);
        if (recent.size() > REMEMBERED) {
            recent.removeLast();
        }
        return s;
    }

    /** A run being recorded. */
    public final class Run {
        private final RunRecord record;

        private Run(RunRecord record) {
            this.record = record;
        }

        /**
         * Records how the run ended and returns what changed since the previous run of the same query: empty when
         * there was none, or when the history could not tell within the answer's budget (the run is still written
         * when the database answers).
         */
        public List<String> finish(Report report, RunState state) {
            CompletableFuture<List<String>> changes = worker.write("record the end of run " + record.id(), s -> {
                // Serialised once: stored as is, and read back as the snapshot that is compared.
                Stored stored = stored(report);
                Optional<HistoryStore.Previous> previous = s.previous(record.command(), record.query(),
                        record.started(), finished::get);
                List<String> c = List.of();
                try {
                    if (previous.isPresent()) {
                        Snapshot now = stored.snapshot();
                        c = Changes.describe(Changes.between(previous.get().snapshot(), now),
                                previous.get().started(), report.started());
                    }
                } catch (RuntimeException e) {
                    // What changed is a side view: the run is recorded without it rather than not at all.
                    Log.LOG.warn("history: comparing run {} with the one before failed, error id {}", record.id(),
                            dev.mxdoctor.report.ErrorId.next(), e);
                }
                s.finish(record.id(), report, stored.json, c, state);
                if (stored.snapshot != null) {
                    finished.put(record.id(), stored.snapshot);
                }
                return c;
            });
            return await(changes, budgets.answer(), "what changed since the previous run").orElse(List.of());
        }
    }

    /** The latest runs (see {@link HistoryStore#latest}); throws when the history cannot be read in time. */
    public List<RunSummary> latest(Optional<String> domain, Optional<String> code, int limit)
            throws HistoryException {
        return answer(worker.read("read the history", s -> s.latest(domain, code, limit)), "read the history");
    }

    /** What the database answered, within the read budget; a {@link HistoryException} saying why not otherwise. */
    private <T> T answer(CompletableFuture<T> f, String what) throws HistoryException {
        try {
            return f.get(budgets.read().toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw cause instanceof HistoryException h ? h
                    : new HistoryException(HistoryException.Kind.UNAVAILABLE, "cannot " + what + ": "
                            + HistoryStore.rootMessage(cause), cause);
        } catch (TimeoutException e) {
            f.cancel(false);
            throw new HistoryException(HistoryException.Kind.UNAVAILABLE, "the history did not answer within "
                    + budgets.read().toSeconds() + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HistoryException(HistoryException.Kind.UNAVAILABLE, "interrupted", e);
        }
    }

    // Watches: stored here so that they outlive the process, held by one bot at a time.

    /** Stores a new watch, held by this process for {@code hold}; throws when the database did not take it. */
    public void createWatch(WatchRecord w, Duration hold) throws HistoryException {
        Instant until = clock.instant().plus(hold);
        if (!worker.enabled()) {
            throw new HistoryException(HistoryException.Kind.UNAVAILABLE, "watches are kept in the history "
                    + "database, and MXDOCTOR_DB=none keeps none", null);
        }
        // Asked ahead of queued writes, and refused at once while the database is down: the asker is waiting.
        answer(worker.read("record watch " + w.id(), s -> {
            WatchStore.create(s, w, owner().label(), until);
            return Boolean.TRUE;
        }), "record the watch");
    }

    /**
     * Takes the watches nobody holds and renews this process's own, for {@code hold}; returns those it holds (empty
     * when the database did not answer within {@code wait}: this round is skipped).
     */
    public List<WatchRecord> claimWatches(Duration hold, Duration wait) {
        Instant now = clock.instant();
        return await(worker.read("claim watches", s -> WatchStore.claim(s, owner().label(), now,
                now.plus(hold))), wait, "claiming watches").orElse(List.of());
    }

    /** Writes a watch's progress; false when another process holds it now or the database did not answer. */
    public boolean saveWatch(WatchRecord w) {
        return await(worker.write("record watch " + w.id(), s -> WatchStore.save(s, w, owner().label())),
                budgets.answer(), "recording watch " + w.id()).orElse(false);
    }

    /** Lets go of this process's watches (a clean stop): another bot takes them at its next round. */
    @SuppressWarnings("FutureReturnValueIgnored") // written before the history closes, which drains the queue
    public void releaseWatches() {
        worker.write("release watches", s -> {
            WatchStore.release(s, owner().label());
            return Boolean.TRUE;
        });
    }

    /** Asks a live watch to stop; empty when there is no live watch of that id. */
    public Optional<WatchRecord> stopWatch(String id, String by) throws HistoryException {
        return answer(worker.read("stop watch " + id, s -> WatchStore.requestStop(s, id, by)), "stop the watch");
    }

    /** One watch, live or ended; empty when there is none of that id (or it was purged). */
    public Optional<WatchRecord> watch(String id) throws HistoryException {
        return answer(worker.read("read watch " + id, s -> WatchStore.find(s, id)), "read the watch");
    }

    /** Live watches, oldest first: all, or one channel's, or one requester's. */
    public List<WatchRecord> liveWatches(Optional<String> channel, Optional<String> requester)
            throws HistoryException {
        return answer(worker.read("read watches", s -> WatchStore.live(s, channel, requester)), "read the watches");
    }

    /** One requester's latest runs, for the App Home tab; empty when the history cannot be read. */
    public List<RunSummary> latestOf(String requester, int limit) {
        return await(worker.read("read the history", s -> s.latest(Optional.empty(), Optional.empty(),
                Optional.of(requester), limit)), budgets.read(), "the App Home").orElse(List.of());
    }

    /** The latest runs of everyone, for the App Home tab; empty when the history cannot be read. */
    public List<RunSummary> latestQuietly(int limit) {
        return await(worker.read("read the history", s -> s.latest(Optional.empty(), Optional.empty(), limit)),
                budgets.read(), "the App Home").orElse(List.of());
    }

    /**
     * Whether this is the first delivery of a Slack event across all bots sharing the database. Answers within the
     * claim budget whatever the database does: when it cannot tell, {@code fallback} (a per-process record) does.
     */
    public boolean claimEvent(String eventId, Predicate<String> fallback) {
        Instant now = clock.instant();
        return await(worker.read("record event " + eventId, s -> s.claimEvent(eventId, now)), budgets.claim(),
                "claiming event " + eventId).orElseGet(() -> fallback.test(eventId));
    }

    /**
     * Marks runs whose process is gone as interrupted (this host's dead processes at once, a bot that stopped
     * beating after {@link #SILENT_AFTER}, any other after {@link #STALE_AFTER}) and returns them, waiting at most
     * {@code wait}; empty when the history cannot tell.
     */
    public List<RunSummary> interruptAbandoned(Duration wait) {
        Instant now = clock.instant();
        CompletableFuture<List<RunSummary>> marked = worker.write("mark interrupted runs",
                s -> s.interruptAbandoned(now, SILENT_AFTER, STALE_AFTER, label -> owner().seesGone(label)));
        return wait.isZero() ? List.of() : await(marked, wait, "marking interrupted runs").orElse(List.of());
    }

    /** Says this process is alive (a bot, every {@link #HEARTBEAT}); queued, returns at once. */
    @SuppressWarnings("FutureReturnValueIgnored") // a missed beat is made up by the next one
    public void heartbeat() {
        Instant now = clock.instant();
        worker.write("heartbeat", s -> {
            s.heartbeat(owner().label(), now);
            return Boolean.TRUE;
        });
    }

    /** At a clean stop: this process's runs are all finished or marked, so nobody need watch its heartbeat. */
    @SuppressWarnings("FutureReturnValueIgnored") // written before the history closes, which drains the queue
    public void stopBeating() {
        worker.write("forget heartbeat", s -> {
            s.forget(owner().label());
            return Boolean.TRUE;
        });
    }

    /**
     * Takes (or keeps) the lease {@code name} for this process for {@code hold}: true when this process may do the
     * job now, false when another holds it or the database did not say within {@code wait}.
     */
    public boolean tryLease(String name, Duration hold, Duration wait) {
        Instant now = clock.instant();
        return await(worker.write("take lease " + name, s -> s.tryLease(name, owner().label(), now, hold)), wait,
                "taking lease " + name).orElse(false);
    }

    /** Deletes runs older than {@code keep} (queued); returns how many, or 0 when it could not tell in time. */
    public int purgeOlderThan(Duration keep, Duration wait) {
        Instant cutoff = clock.instant().minus(keep);
        return await(worker.write("purge old runs", s -> s.purgeBefore(cutoff)), wait, "purging old runs").orElse(0);
    }

    /** Waits (at most {@code wait}) until every write queued so far is made; false when they were not. */
    public boolean awaitWrites(Duration wait) {
        return await(worker.write("wait for the writes before", s -> Boolean.TRUE), wait, "writes").isPresent();
    }

    /** Writes waiting for the database. */
    int pending() {
        return worker.pending();
    }

    /** Tries the database again now instead of after the back-off (tests, and a bot's readiness probe). */
    public void retryNow() {
        worker.retryNow();
    }

    private <T> Optional<T> await(CompletableFuture<T> f, Duration budget, String what) {
        try {
            return Optional.of(f.get(budget.toMillis(), TimeUnit.MILLISECONDS));
        } catch (ExecutionException e) {
            return Optional.empty(); // the worker logged it and keeps problem() current
        } catch (TimeoutException e) {
            Log.LOG.warn("history: {} took longer than {} ms; going on without it", what, budget.toMillis());
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /**
     * Writes what waits, for at most the drain budget, and stops the writer. Returns how many writes were lost
     * (the database was down or too slow).
     */
    public int closeAndCount() {
        return worker.close(budgets.drain());
    }

    @Override
    public void close() {
        int lost = closeAndCount();
        if (lost > 0) {
            Log.LOG.warn("history: {} writes could not be made before closing: {}", lost,
                    problem().orElse("the database was too slow"));
        }
    }
}
