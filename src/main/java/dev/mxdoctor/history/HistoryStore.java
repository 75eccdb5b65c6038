package dev.mxdoctor.history;

import dev.mxdoctor.diagnosis.Finding;
import dev.mxdoctor.report.JsonReport;
import dev.mxdoctor.report.Report;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationState;
import org.jspecify.annotations.Nullable;

/**
 * The shared history over JDBC: embedded SQLite by default, PostgreSQL when several bots share one. The schema
 * is migrated at open by Flyway (versioned scripts in db/migration, the same SQL on both); a database whose
 * schema is newer than this code knows is refused. One connection per store, one statement at a time. Every
 * network wait has a bound: PostgreSQL connects within {@value #CONNECT_SECONDS} s and each statement answers
 * within {@value #STATEMENT_SECONDS} s (settings in the URL win).
 */
public final class HistoryStore implements AutoCloseable {

    // Made on first use: a command-line run that never waits for another process does not load the logger here.
    private static final class Log {
        static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(HistoryStore.class);
    }

    /** The newest schema version this code knows: the highest V*.sql in db/migration (a test keeps them equal). */
    static final int SCHEMA_VERSION = 5;

    static final int CONNECT_SECONDS = 5;
    static final int STATEMENT_SECONDS = 10;

    // Migrations of SQLite files in this process, one at a time (see migrate).
    private static final ReentrantLock MIGRATING = new ReentrantLock();

    private final String url;
    // A lock, not synchronized: it is held across JDBC calls, which must not pin a virtual thread's carrier.
    private final ReentrantLock lock = new ReentrantLock();
    private @Nullable Connection connection;

    private HistoryStore(String url) {
        this.url = url;
    }

    /** Opens (and migrates) the history at {@code jdbcUrl}. */
    public static HistoryStore open(String jdbcUrl) throws HistoryException {
        return open(jdbcUrl, Duration.ofSeconds(STATEMENT_SECONDS));
    }

    /** As above, waiting at most {@code migrationWait} for another process that is creating or upgrading it. */
    static HistoryStore open(String jdbcUrl, Duration migrationWait) throws HistoryException {
        HistoryStore store = new HistoryStore(jdbcUrl);
        if (jdbcUrl.startsWith("jdbc:sqlite:")) {
            SqliteNativeCache.prepare(System.getenv());
        }
        try {
            createDirectory(jdbcUrl);
            // Flyway cannot lock an SQLite file, so mxdoctor migrates it holding a lock file of its own (see
            // migrate). A process that does not take it (a version before it) can still find the file locked
            // mid-migration: its tables are there once the other is done, so this one waits and looks again.
            long deadline = System.nanoTime() + migrationWait.toNanos();
            for (long pauseMs = 50;; pauseMs = Math.min(pauseMs * 2, 1000)) {
                try {
                    store.migrate(jdbcUrl, deadline);
                    return store;
                } catch (RuntimeException | SQLException e) {
                    if (!isSqliteBusy(e) || System.nanoTime() + pauseMs * 1_000_000 - deadline > 0) {
                        throw e;
                    }
                    Log.LOG.info("history: another process is creating or upgrading {}; looking again in {} ms",
                            redact(jdbcUrl), pauseMs);
                    Thread.sleep(pauseMs);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            store.close();
            throw new HistoryException(HistoryException.Kind.UNAVAILABLE, "cannot open the history at "
                    + redact(jdbcUrl) + ": interrupted", e);
        } catch (HistoryException e) {
            store.close();
            throw e;
        } catch (RuntimeException | SQLException | java.io.IOException | LinkageError e) {
            store.close();
            throw new HistoryException(HistoryException.Kind.UNAVAILABLE, "cannot open the history at "
                    + redact(jdbcUrl) + ": " + (isLinkage(e) ? "SQLite's native library could not be loaded (it is "
                    + "kept in ~/.cache/mxdoctor (XDG_CACHE_HOME), else unpacked into the temporary directory; "
                    + "one of them must be writable and allow executables; -Dorg.sqlite.tmpdir=<dir> names another "
                    + "temporary directory)" : rootMessage(e)), e);
        }
    }

    /**
     * Brings the schema to {@link #SCHEMA_VERSION}; refuses a newer one. An SQLite file is migrated by one process
     * at a time, holding {@code <file>.schema-lock} (made once, left in place): otherwise SQLite refuses the second
     * half-way, and Flyway logs that as a failed migration.
     */
    private void migrate(String jdbcUrl, long deadline) throws SQLException, HistoryException, InterruptedException {
        if (current()) {
            return; // skip Flyway, whose start-up costs a command-line run about a second
        }
        Optional<java.nio.file.Path> file = sqliteFile(jdbcUrl);
        if (file.isEmpty()) {
            migrateNow(jdbcUrl); // PostgreSQL, where Flyway takes a lock of its own; or SQLite in memory
            return;
        }
        // Within this process, one thread at a time: a second lock on the same file from one process is an error.
        if (!MIGRATING.tryLock(Math.max(0, deadline - System.nanoTime()), java.util.concurrent.TimeUnit.NANOSECONDS)) {
            throw busyMigrating(jdbcUrl);
        }
        java.nio.channels.@Nullable FileChannel lockFile = null;
        try {
            lockFile = lockSchema(file.get(), jdbcUrl, deadline);
            if (!current()) { // another process may have just done it
                migrateNow(jdbcUrl);
            }
        } finally {
            closeQuietly(lockFile); // and the lock with it
            MIGRATING.unlock();
        }
    }

    /**
     * Locks {@code <file>.schema-lock} (made if need be) and returns it open, polling until the deadline: a process
     * stuck mid-migration must not hold this one for ever. Null when the lock file cannot be made or locked (a
     * read-only directory, a file system without locks): the migration then goes ahead unlocked, as before.
     */
    private static java.nio.channels.@Nullable FileChannel lockSchema(java.nio.file.Path file, String jdbcUrl,
            long deadline) throws HistoryException, InterruptedException {
        java.nio.channels.FileChannel c;
        try {
            c = java.nio.channels.FileChannel.open(file.resolveSibling(file.getFileName() + ".schema-lock"),
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE);
        } catch (java.io.IOException e) {
            return null;
        }
        boolean locked = false;
        try {
            while (c.tryLock() == null) {
                if (System.nanoTime() - deadline > 0) {
                    throw busyMigrating(jdbcUrl);
                }
                Thread.sleep(50);
            }
            locked = true;
            return c;
        } catch (java.io.IOException e) {
            return null;
        } finally {
            if (!locked) {
                closeQuietly(c);
            }
        }
    }

    private static void closeQuietly(java.nio.channels.@Nullable FileChannel c) {
        if (c != null) {
            try {
                c.close();
            } catch (java.io.IOException e) {
                // nothing to do: the lock goes when the process does
            }
        }
    }

    /** Whether the schema is this code's; throws when it is newer. */
    private boolean current() throws SQLException, HistoryException {
        int installed = installedVersion();
        if (installed > SCHEMA_VERSION) {
            throw tooNew(installed);
        }
        return installed == SCHEMA_VERSION;
    }

    private static void migrateNow(String jdbcUrl) throws HistoryException {
        Flyway flyway = Flyway.configure().dataSource(bounded(jdbcUrl), null, null)
                .locations("classpath:db/migration").load();
        for (MigrationInfo m : flyway.info().all()) {
            if (m.getState() == MigrationState.FUTURE_SUCCESS || m.getState() == MigrationState.FUTURE_FAILED) {
                throw tooNew(Integer.parseInt(m.getVersion().getVersion()));
            }
        }
        flyway.migrate();
    }

    /** Another process holds the schema lock past this one's deadline. */
    private static HistoryException busyMigrating(String jdbcUrl) {
        return new HistoryException(HistoryException.Kind.UNAVAILABLE, "cannot open the history at "
                + redact(jdbcUrl) + ": another process is still creating or upgrading it", null);
    }

    /** SQLite's "database is locked" (SQLITE_BUSY, with its extended codes), anywhere in the causes. */
    static boolean isSqliteBusy(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof org.sqlite.SQLiteException e && (e.getErrorCode() & 0xff) == 5) {
                return true;
            }
        }
        return false;
    }

    private static boolean isLinkage(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof LinkageError) {
                return true;
            }
        }
        return false;
    }

    /** An SQLite file's directory is made on first use (the user's data directory may not exist yet). */
    private static void createDirectory(String url) throws java.io.IOException {
        java.nio.file.Path parent = sqliteFile(url).map(f -> f.toAbsolutePath().getParent()).orElse(null);
        if (parent != null) {
            java.nio.file.Files.createDirectories(parent);
        }
    }

    /** The file of an SQLite URL; empty for another database, one in memory, or a URI the driver handles. */
    private static Optional<java.nio.file.Path> sqliteFile(String url) {
        if (!url.startsWith("jdbc:sqlite:")) {
            return Optional.empty();
        }
        String file = url.substring("jdbc:sqlite:".length());
        int q = file.indexOf('?');
        file = q < 0 ? file : file.substring(0, q);
        if (file.isEmpty() || file.startsWith(":") || file.startsWith("file:")) {
            return Optional.empty();
        }
        return Optional.of(java.nio.file.Path.of(file));
    }

    private static HistoryException tooNew(int installed) {
        return new HistoryException(HistoryException.Kind.SCHEMA_TOO_NEW, "the history database has schema version "
                + installed + ", newer than this mxdoctor knows (" + SCHEMA_VERSION + "); upgrade mxdoctor, or point "
                + "MXDOCTOR_DB at another database", null);
    }

    /** The highest successfully applied migration, 0 for a database Flyway has not touched. */
    private int installedVersion() throws SQLException {
        Connection c = connection();
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT version FROM flyway_schema_history WHERE success = "
                        + (url.startsWith("jdbc:sqlite:") ? "1" : "true") + " AND version IS NOT NULL")) {
            int max = 0;
            while (rs.next()) {
                max = Math.max(max, Integer.parseInt(rs.getString(1)));
            }
            return max;
        } catch (SQLException e) {
            if (!isValid(c)) {
                throw e; // not "no table": the database stopped answering
            }
            if (!c.getAutoCommit()) {
                c.rollback();
            }
            return 0; // no history table yet
        }
    }

    private Connection connection() throws SQLException {
        Connection c = connection;
        if (c == null || c.isClosed()) {
            c = DriverManager.getConnection(bounded(url));
            if (url.startsWith("jdbc:sqlite:")) {
                try (Statement s = c.createStatement()) {
                    s.execute("PRAGMA busy_timeout=5000");
                    s.execute("PRAGMA journal_mode=WAL");
                    // With WAL, NORMAL syncs at checkpoints instead of at every commit (SQLite's advice for WAL): a
                    // power cut may lose the last runs, never the file, and a run's write never waits for a disk sync.
                    s.execute("PRAGMA synchronous=NORMAL");
                } catch (SQLException e) {
                    c.close(); // a file locked while another process creates it: the caller looks again
                    throw e;
                }
            }
            connection = c;
        }
        return c;
    }

    /**
     * The URL with bounds on every wait (PostgreSQL: connect, log in, each read from the socket), unless the URL sets
     * them itself; Flyway's connections get them too.
     */
    static String bounded(String url) {
        if (!url.startsWith("jdbc:postgresql:")) {
            return url;
        }
        StringBuilder b = new StringBuilder(url);
        String[][] defaults = {{"connectTimeout", String.valueOf(CONNECT_SECONDS)},
            {"loginTimeout", String.valueOf(CONNECT_SECONDS)}, {"socketTimeout", String.valueOf(STATEMENT_SECONDS)}};
        for (String[] d : defaults) {
            if (!url.toLowerCase(java.util.Locale.ROOT).contains(d[0].toLowerCase(java.util.Locale.ROOT) + "=")) {
                b.append(b.indexOf("?") < 0 ? '?' : '&').append(d[0]).append('=').append(d[1]);
            }
        }
        return b.toString();
    }

    /** Records that a run has started (state running), before anything is posted. */
    public void start(RunRecord r, String owner) throws HistoryException {
        run("record the start of run " + r.id(), c -> {
            PreparedStatement s = prepared(c, "INSERT INTO runs (id, workspace, channel, thread_ts, requester, "
                    + "command, query, domain, started_ms, state, owner) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
            s.setString(1, r.id());
            setOptional(s, 2, r.workspace());
            setOptional(s, 3, r.channel());
            setOptional(s, 4, r.threadTs());
            s.setString(5, r.requester());
            s.setString(6, r.command());
            s.setString(7, r.query());
            s.setString(8, r.query().substring(r.query().lastIndexOf('@') + 1));
            s.setLong(9, r.started().toEpochMilli());
            s.setString(10, RunState.RUNNING.label());
            s.setString(11, owner);
            s.executeUpdate();
            return Boolean.TRUE;
        });
    }

    /** Records how a run ended: its report (the JSON contract), findings and what changed. */
    public void finish(String id, Report report, List<String> changes, RunState state) throws HistoryException {
        finish(id, report, JsonReport.compact(report), changes, state);
    }

    /** As above, with the report already in its stored form ({@link JsonReport#compact}). */
    void finish(String id, Report report, String json, List<String> changes, RunState state)
            throws HistoryException {
        run("record the end of run " + id, c -> {
            boolean auto = c.getAutoCommit();
            c.setAutoCommit(false);
            try {
                PreparedStatement update = prepared(c, "UPDATE runs SET resolver = ?, duration_ms = ?, state = ?, "
                        + "status = ?, summary = ?, changes = ?, report = ? WHERE id = ?");
                update.setString(1, report.resolver());
                update.setLong(2, report.elapsedMs());
                update.setString(3, state.label());
                update.setString(4, report.verdict().status().label());
                update.setString(5, report.verdict().summary());
                update.setString(6, JsonReport.strings(changes));
                update.setString(7, json);
                update.setString(8, id);
                update.setQueryTimeout(STATEMENT_SECONDS);
                update.executeUpdate();
                PreparedStatement findings = prepared(c, "INSERT INTO findings (run_id, started_ms, code, severity, "
                        + "host) SELECT id, started_ms, ?, ?, ? FROM runs WHERE id = ?");
                findings.clearBatch(); // what a failed batch may have left
                for (Finding f : report.findings()) {
                    findings.setString(1, f.code().name());
                    findings.setString(2, f.severity().label());
                    findings.setString(3, f.host());
                    findings.setString(4, id);
                    findings.addBatch();
                }
                findings.executeBatch();
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(auto);
            }
            return Boolean.TRUE;
        });
    }

    /**
     * Marks runs interrupted whose process is gone, each once whichever process asks first: those {@code gone} says
     * so of (by their owner, on this host), those whose owner beats (a bot) but has been silent for
     * {@code silentAfter}, and any still running after {@code staleAfter} whose owner never beat (a command line, or
     * an older version). Returns them: their threads get a note.
     */
    public List<RunSummary> interruptAbandoned(Instant now, Duration silentAfter, Duration staleAfter,
            Predicate<String> gone) throws HistoryException {
        return run("mark interrupted runs", c -> {
            List<RunSummary> running = query(c, "SELECT * FROM runs WHERE state = ? ORDER BY started_ms",
                    s -> s.setString(1, RunState.RUNNING.label()));
            java.util.Map<String, Long> beats = new java.util.HashMap<>();
            if (!running.isEmpty()) {
                try (Statement s = c.createStatement();
                        ResultSet rs = s.executeQuery("SELECT owner, heartbeat_ms FROM processes")) {
                    while (rs.next()) {
                        beats.put(rs.getString(1), rs.getLong(2));
                    }
                }
            }
            List<RunSummary> left = new ArrayList<>();
            long stale = now.minus(staleAfter).toEpochMilli();
            long silent = now.minus(silentAfter).toEpochMilli();
            try (PreparedStatement s = c.prepareStatement("UPDATE runs SET state = ? WHERE id = ? AND state = ?")) {
                s.setString(1, RunState.INTERRUPTED.label());
                s.setString(3, RunState.RUNNING.label());
                for (RunSummary r : running) {
                    @Nullable Long beat = r.owner().map(beats::get).orElse(null);
                    boolean abandoned = r.owner().map(gone::test).orElse(false)
                            || (beat != null ? beat < silent : r.started().toEpochMilli() < stale);
                    if (abandoned) {
                        s.setString(2, r.id());
                        if (s.executeUpdate() == 1) { // another replica may have been first
                            left.add(r);
                        }
                    }
                }
            }
            return left;
        });
    }

    /** Records that {@code owner} is alive at {@code now}; forgets processes silent for a day. */
    public void heartbeat(String owner, Instant now) throws HistoryException {
        run("heartbeat", c -> {
            try (PreparedStatement s = c.prepareStatement("INSERT INTO processes (owner, heartbeat_ms) VALUES (?, ?) "
                    + "ON CONFLICT (owner) DO UPDATE SET heartbeat_ms = excluded.heartbeat_ms");
                    PreparedStatement d = c.prepareStatement("DELETE FROM processes WHERE heartbeat_ms < ?")) {
                s.setString(1, owner);
                s.setLong(2, now.toEpochMilli());
                s.executeUpdate();
                d.setLong(1, now.minus(Duration.ofDays(1)).toEpochMilli());
                d.executeUpdate();
            }
            return Boolean.TRUE;
        });
    }

    /** Forgets {@code owner}'s heartbeat (it stopped cleanly, its runs finished or marked). */
    public void forget(String owner) throws HistoryException {
        run("forget heartbeat", c -> {
            try (PreparedStatement s = c.prepareStatement("DELETE FROM processes WHERE owner = ?")) {
                s.setString(1, owner);
                s.executeUpdate();
            }
            return Boolean.TRUE;
        });
    }

    /**
     * Takes or renews the lease {@code name} for {@code holder} until {@code now + hold}, unless another holder's
     * lease is still current; true when {@code holder} has it. One statement, so two replicas cannot both win.
     */
    public boolean tryLease(String name, String holder, Instant now, Duration hold) throws HistoryException {
        return run("take lease " + name, c -> {
            try (PreparedStatement s = c.prepareStatement("INSERT INTO leases (name, holder, until_ms) VALUES (?, ?, ?) "
                    + "ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, until_ms = excluded.until_ms "
                    + "WHERE leases.until_ms < ? OR leases.holder = excluded.holder")) {
                s.setString(1, name);
                s.setString(2, holder);
                s.setLong(3, now.plus(hold).toEpochMilli());
                s.setLong(4, now.toEpochMilli());
                return s.executeUpdate() == 1;
            }
        });
    }

    /**
     * The latest runs, newest first: all, or those about {@code domain} (its mx, dns and smtptest runs), or those
     * with a finding {@code code}.
     */
    public List<RunSummary> latest(Optional<String> domain, Optional<String> code, int limit)
            throws HistoryException {
        return latest(domain, code, Optional.empty(), limit);
    }

    /** As {@link #latest(Optional, Optional, int)}, optionally only one requester's runs. */
    public List<RunSummary> latest(Optional<String> domain, Optional<String> code, Optional<String> requester,
            int limit) throws HistoryException {
        StringBuilder sql = new StringBuilder("SELECT * FROM runs WHERE 1 = 1");
        List<String> args = new ArrayList<>();
        requester.ifPresent(r -> {
            sql.append(" AND requester = ?");
            args.add(r);
        });
        domain.ifPresent(d -> {
            sql.append(" AND domain = ?");
            args.add(d);
        });
        int max = Math.max(1, Math.min(limit, 1000));
        code.ifPresent(k -> {
            // Newest findings first from the (code, started_ms) index; a run may hold a code several times, and a
            // domain filter may drop some, hence the generous inner limit.
            sql.append(" AND id IN (SELECT run_id FROM findings WHERE code = ? ORDER BY started_ms DESC LIMIT ")
                    .append(domain.isPresent() ? 100_000 : max * 20).append(")");
            args.add(k);
        });
        sql.append(" ORDER BY started_ms DESC LIMIT ").append(max);
        return run("read the history", c -> query(c, sql.toString(), s -> {
            for (int i = 0; i < args.size(); i++) {
                s.setString(i + 1, args.get(i));
            }
        }));
    }

    /**
     * The latest finished run of the same command and query before {@code before}, as a snapshot. A stored report
     * that cannot be read (damaged by hand, say) is passed over for the one before it.
     */
    public Optional<Previous> previous(String command, String query, Instant before) throws HistoryException {
        return previous(command, query, before, id -> null);
    }

    /**
     * As above; {@code known} gives the snapshots of runs the caller has at hand (by run id), whose reports are then
     * not read back.
     */
    Optional<Previous> previous(String command, String query, Instant before,
            java.util.function.Function<String, @Nullable Snapshot> known) throws HistoryException {
        return run("read the previous run", c -> {
            PreparedStatement s = prepared(c, "SELECT id, started_ms, report FROM runs WHERE command = ? AND "
                    + "query = ? AND started_ms < ? AND report IS NOT NULL ORDER BY started_ms DESC LIMIT 5");
            s.setString(1, command);
            s.setString(2, query);
            s.setLong(3, before.toEpochMilli());
            s.setQueryTimeout(STATEMENT_SECONDS);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    Instant started = Instant.ofEpochMilli(rs.getLong(2));
                    Snapshot remembered = known.apply(rs.getString(1));
                    if (remembered != null) {
                        return Optional.of(new Previous(started, remembered));
                    }
                    try {
                        return Optional.of(new Previous(started, Snapshot.fromJson(rs.getString(3))));
                    } catch (IllegalArgumentException e) {
                        // unreadable: try the run before
                    }
                }
                return Optional.<Previous>empty();
            }
        });
    }

    /** A previous run: when it started and what it saw. */
    record Previous(Instant started, Snapshot snapshot) {}

    /**
     * Claims a Slack event id: true the first time any bot sharing this database sees it, false for redeliveries.
     */
    public boolean claimEvent(String eventId, Instant now) throws HistoryException {
        return run("record event " + eventId, c -> {
            try (PreparedStatement s = c.prepareStatement("INSERT INTO slack_events (id, seen_ms) VALUES (?, ?)")) {
                s.setString(1, eventId);
                s.setLong(2, now.toEpochMilli());
                s.setQueryTimeout(STATEMENT_SECONDS);
                s.executeUpdate();
                return true;
            } catch (SQLException e) {
                // 23505 is PostgreSQL's unique violation; SQLite says SQLITE_CONSTRAINT (19).
                if ("23505".equals(e.getSQLState()) || e.getErrorCode() == 19) {
                    return false;
                }
                throw e;
            }
        });
    }

    /** Deletes runs that started before {@code cutoff}; returns how many. */
    public int purgeBefore(Instant cutoff) throws HistoryException {
        return run("purge old runs", c -> {
            try (PreparedStatement f = c.prepareStatement("DELETE FROM findings WHERE run_id IN (SELECT id FROM runs "
                    + "WHERE started_ms < ?)");
                    PreparedStatement r = c.prepareStatement("DELETE FROM runs WHERE started_ms < ?")) {
                f.setLong(1, cutoff.toEpochMilli());
                f.executeUpdate();
                r.setLong(1, cutoff.toEpochMilli());
                int purged = r.executeUpdate();
                try (PreparedStatement e = c.prepareStatement("DELETE FROM slack_events WHERE seen_ms < ?")) {
                    e.setLong(1, cutoff.toEpochMilli());
                    e.executeUpdate();
                }
                WatchStore.purgeBefore(c, cutoff);
                return purged;
            }
        });
    }

    @FunctionalInterface
    interface Work<T> {
        T apply(Connection c) throws SQLException;
    }

    @FunctionalInterface
    private interface Binder {
        void bind(PreparedStatement s) throws SQLException;
    }

    /**
     * Runs {@code work} on the connection. A failure on a connection that still answers is this operation's
     * ({@link HistoryException.Kind#REJECTED}); otherwise the database is unavailable and the next call reconnects.
     */
    <T> T run(String what, Work<T> work) throws HistoryException {
        lock.lock();
        try {
            Connection c;
            try {
                c = connection();
            } catch (SQLException | RuntimeException | LinkageError e) {
                closeQuietly();
                throw new HistoryException(HistoryException.Kind.UNAVAILABLE, "cannot " + what + ": "
                        + rootMessage(e), e);
            }
            try {
                return work.apply(c);
            } catch (SQLException | RuntimeException e) {
                boolean alive = isValid(c);
                if (!alive) {
                    closeQuietly();
                }
                throw new HistoryException(alive ? HistoryException.Kind.REJECTED : HistoryException.Kind.UNAVAILABLE,
                        "cannot " + what + ": " + rootMessage(e), e);
            }
        } finally {
            lock.unlock();
        }
    }

    private static boolean isValid(Connection c) {
        try {
            return c.isValid(CONNECT_SECONDS);
        } catch (SQLException | RuntimeException e) {
            return false;
        }
    }

    private static List<RunSummary> query(Connection c, String sql, Binder binder) throws SQLException {
        List<RunSummary> out = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement(sql)) {
            binder.bind(s);
            s.setQueryTimeout(STATEMENT_SECONDS);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    out.add(new RunSummary(rs.getString("id"), Instant.ofEpochMilli(rs.getLong("started_ms")),
                            rs.getLong("duration_ms"), rs.getString("command"), rs.getString("query"),
                            rs.getString("requester"), rs.getString("state"),
                            Optional.ofNullable(rs.getString("status")), Optional.ofNullable(rs.getString("summary")),
                            changes(rs.getString("changes")), Optional.ofNullable(rs.getString("workspace")),
                            Optional.ofNullable(rs.getString("channel")),
                            Optional.ofNullable(rs.getString("thread_ts")),
                            Optional.ofNullable(rs.getString("owner"))));
                }
            }
        }
        return out;
    }

    private static List<String> changes(@Nullable String json) {
        if (json == null) {
            return List.of();
        }
        try {
            return JsonReport.readStrings(json);
        } catch (IllegalArgumentException e) {
            return List.of(); // damaged by hand: the run is still listed
        }
    }

    private static void setOptional(PreparedStatement s, int index, Optional<String> value) throws SQLException {
        if (value.isPresent()) {
            s.setString(index, value.get());
        } else {
            s.setNull(index, Types.VARCHAR);
        }
    }

    static String rootMessage(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        String m = c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage();
        return redact(m);
    }

    /** The URL without a password, for messages. */
    static String redact(String url) {
        return url.replaceAll("(?i)(password=)[^&;\\s]*", "$1***").replaceAll("//([^:/@\\s]+):[^@/\\s]*@",
                "//$1:***@");
    }

    // The statements every run uses, prepared once per connection: preparing them again for each run was a tenth of
    // the history's time when many runs end together. Used under the lock, like the connection; closed with it.
    private final java.util.Map<String, PreparedStatement> statements = new java.util.HashMap<>();
    private @Nullable Connection statementsOf;

    private PreparedStatement prepared(Connection c, String sql) throws SQLException {
        if (statementsOf != c) {
            statements.clear(); // a new connection: those of the old one went with it
            statementsOf = c;
        }
        PreparedStatement s = statements.get(sql);
        if (s == null || s.isClosed()) {
            s = c.prepareStatement(sql);
            statements.put(sql, s);
        }
        return s;
    }

    private void closeQuietly() {
        statements.values().forEach(s -> {
            try {
                s.close();
            } catch (SQLException | RuntimeException e) {
                // already broken
            }
        });
        statements.clear();
        statementsOf = null;
        try {
            if (connection != null) {
                connection.close();
            }
        } catch (SQLException | RuntimeException e) {
            // already broken
        }
        connection = null;
    }

    @Override
    public void close() {
        lock.lock();
        try {
            closeQuietly();
        } finally {
            lock.unlock();
        }
    }
}
