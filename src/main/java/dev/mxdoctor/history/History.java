package dev.mxdoctor.history;

import dev.mxdoctor.report.Report;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The history as the rest of mxdoctor uses it: never in the way of an answer. When the database is down, writes
 * wait in a bounded queue (oldest dropped beyond {@value #MAX_PENDING}, and the log says so) and are written when
 * it is back; callers learn of the problem from {@link #problem()} to warn the user.
 */
public final class History implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(History.class);
    static final int MAX_PENDING = 1000;

    @FunctionalInterface
    interface Write {
        void apply(HistoryStore store) throws HistoryException;
    }

    private final String url;
    private final Clock clock;
    private final Deque<Write> pending = new ArrayDeque<>();
    private HistoryStore store;
    private volatile Optional<String> problem = Optional.empty();

    public History(String url, Clock clock) {
        this.url = url;
        this.clock = clock;
    }

    /** Why the history is not being written right now, if it is not. */
    public Optional<String> problem() {
        return problem;
    }

    /** Opens the database now (bot start-up): a schema newer than this code stops start-up with the reason. */
    public synchronized void openOrFail() throws HistoryException {
        store = HistoryStore.open(url);
    }

    private HistoryStore store() throws HistoryException {
        if (store == null) {
            store = HistoryStore.open(url);
        }
        return store;
    }

    /** Records that a run started. */
    public synchronized void started(RunRecord run) {
        write(s -> s.start(run));
    }

    /**
     * Records how a run ended and returns what changed since the previous run of the same query (empty when there
     * was none, or the history is unavailable).
     */
    public synchronized List<String> finished(RunRecord run, Report report, String state) {
        List<String> changes = List.of();
        try {
            Optional<HistoryStore.Previous> previous = store().previous(run.command(), run.query(), run.started());
            changes = previous.map(p -> Changes.between(p.report(), p.started(), report)).orElse(List.of());
        } catch (HistoryException e) {
            fail(e);
        }
        List<String> c = changes;
        write(s -> s.finish(run.id(), report, c, state));
        return changes;
    }

    /** The latest runs (see {@link HistoryStore#latest}); throws when the history cannot be read. */
    public synchronized List<RunSummary> latest(Optional<String> domain, Optional<String> code, int limit)
            throws HistoryException {
        return store().latest(domain, code, limit);
    }

    /** One requester's latest runs, for the App Home tab; empty when the history cannot be read. */
    public synchronized List<RunSummary> latestOf(String requester, int limit) {
        try {
            return store().latest(Optional.empty(), Optional.empty(), Optional.of(requester), limit);
        } catch (HistoryException e) {
            fail(e);
            return List.of();
        }
    }

    /** The latest runs of everyone, for the App Home tab; empty when the history cannot be read. */
    public synchronized List<RunSummary> latestQuietly(int limit) {
        try {
            return store().latest(Optional.empty(), Optional.empty(), limit);
        } catch (HistoryException e) {
            fail(e);
            return List.of();
        }
    }

    /**
     * Whether this is the first delivery of a Slack event across all bots sharing the database. When the database
     * is down, {@code fallback} (a per-process record) decides.
     */
    public synchronized boolean claimEvent(String eventId, java.util.function.Predicate<String> fallback) {
        try {
            return store().claimEvent(eventId, clock.instant());
        } catch (HistoryException e) {
            fail(e);
            return fallback.test(eventId);
        }
    }

    /** Runs a crash or restart left running, now marked interrupted. */
    public synchronized List<RunSummary> interruptRunning() {
        try {
            return store().interruptRunning();
        } catch (HistoryException e) {
            fail(e);
            return List.of();
        }
    }

    /** Deletes runs older than {@code keep}; returns how many. */
    public synchronized int purgeOlderThan(Duration keep) {
        try {
            return store().purgeBefore(clock.instant().minus(keep));
        } catch (HistoryException e) {
            fail(e);
            return 0;
        }
    }

    /** Writes what waits, in order, stopping at the first failure. */
    public synchronized void flush() {
        while (!pending.isEmpty()) {
            try {
                pending.peekFirst().apply(store());
                pending.pollFirst();
            } catch (HistoryException e) {
                fail(e);
                return;
            }
        }
        if (problem.isPresent()) {
            LOG.info("history: the database is back; pending runs written");
            problem = Optional.empty();
        }
    }

    private void write(Write w) {
        if (pending.size() >= MAX_PENDING) {
            pending.pollFirst();
            LOG.warn("history: {} writes wait for the database; dropping the oldest", MAX_PENDING);
        }
        pending.addLast(w);
        flush();
    }

    private void fail(HistoryException e) {
        if (problem.isEmpty()) {
            LOG.warn("history: {}; runs are kept in memory (at most {}) until it is back", e.getMessage(),
                    MAX_PENDING);
        }
        problem = Optional.of(e.getMessage());
        if (store != null) {
            store.close();
        }
        store = null;
    }

    /** Writes waiting for the database. */
    synchronized int pending() {
        return pending.size();
    }

    @Override
    public synchronized void close() {
        if (store != null) {
            store.close();
        }
    }
}
