package dev.mxdoctor.history;

import com.google.gson.Gson;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
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
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationState;

/**
 * The shared history over JDBC: embedded SQLite by default, PostgreSQL when several bots share one. The schema
 * is migrated at open by Flyway (versioned scripts in db/migration, the same SQL on both); a database whose
 * schema is newer than this code knows is refused. One connection per store, used by one thread at a time.
 */
public final class HistoryStore implements AutoCloseable {

    private static final Gson GSON = new Gson();

    /** The newest schema version this code knows: the highest V*.sql in db/migration (a test keeps them equal). */
    static final int SCHEMA_VERSION = 2;

    private final String url;
    private Connection connection;

    private HistoryStore(String url) {
        this.url = url;
    }

    /** Opens (and migrates) the history at {@code jdbcUrl}. */
    public static HistoryStore open(String jdbcUrl) throws HistoryException {
        HistoryStore store = new HistoryStore(jdbcUrl);
        try {
            int installed = store.installedVersion();
            if (installed > SCHEMA_VERSION) {
                throw new HistoryException("the history database has schema version " + installed + ", newer than "
                        + "this mxdoctor knows (" + SCHEMA_VERSION + "); upgrade mxdoctor, or point MXDOCTOR_DB at "
                        + "another database", null);
            }
            if (installed == SCHEMA_VERSION) {
                return store; // current: skip Flyway, whose start-up costs a command-line run about a second
            }
            Flyway flyway = Flyway.configure().dataSource(jdbcUrl, null, null)
                    .locations("classpath:db/migration").load();
            for (MigrationInfo m : flyway.info().all()) {
                if (m.getState() == MigrationState.FUTURE_SUCCESS || m.getState() == MigrationState.FUTURE_FAILED) {
                    throw new HistoryException("the history database has schema version " + m.getVersion()
                            + ", newer than this mxdoctor knows (" + flyway.info().current().getVersion()
                            + "); upgrade mxdoctor, or point MXDOCTOR_DB at another database", null);
                }
            }
            flyway.migrate();
            store.connection();
            return store;
        } catch (HistoryException e) {
            throw e;
        } catch (RuntimeException | SQLException e) {
            throw new HistoryException("cannot open the history at " + redact(jdbcUrl) + ": " + rootMessage(e), e);
        }
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
            if (!c.getAutoCommit()) {
                c.rollback();
            }
            return 0; // no history table yet
        }
    }

    private Connection connection() throws SQLException {
        if (connection == null || connection.isClosed()) {
            connection = DriverManager.getConnection(url);
            if (url.startsWith("jdbc:sqlite:")) {
                try (Statement s = connection.createStatement()) {
                    s.execute("PRAGMA journal_mode=WAL");
                    s.execute("PRAGMA busy_timeout=5000");
                }
            }
        }
        return connection;
    }

    /** Records that a run has started (state running), before anything is posted. */
    public synchronized void start(RunRecord r) throws HistoryException {
        run("record the start of run " + r.id(), c -> {
            try (PreparedStatement s = c.prepareStatement("INSERT INTO runs (id, workspace, channel, thread_ts, "
                    + "requester, command, query, domain, started_ms, state) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, "
                    + "'running')")) {
                s.setString(1, r.id());
                setOptional(s, 2, r.workspace());
                setOptional(s, 3, r.channel());
                setOptional(s, 4, r.threadTs());
                s.setString(5, r.requester());
                s.setString(6, r.command());
                s.setString(7, r.query());
                s.setString(8, r.query().substring(r.query().lastIndexOf('@') + 1));
                s.setLong(9, r.started().toEpochMilli());
                s.executeUpdate();
            }
            return null;
        });
    }

    /** Records how a run ended: its report (the JSON contract), findings and what changed. */
    public synchronized void finish(String id, Report report, List<String> changes, String state)
            throws HistoryException {
        run("record the end of run " + id, c -> {
            boolean auto = c.getAutoCommit();
            c.setAutoCommit(false);
            try {
                try (PreparedStatement s = c.prepareStatement("UPDATE runs SET resolver = ?, duration_ms = ?, "
                        + "state = ?, status = ?, summary = ?, changes = ?, report = ? WHERE id = ?")) {
                    s.setString(1, report.resolver());
                    s.setLong(2, report.elapsedMs());
                    s.setString(3, state);
                    s.setString(4, report.verdict().status().label());
                    s.setString(5, report.verdict().summary());
                    s.setString(6, GSON.toJson(changes));
                    s.setString(7, JsonReport.tree(report).toString());
                    s.setString(8, id);
                    s.executeUpdate();
                }
                try (PreparedStatement s = c.prepareStatement("INSERT INTO findings (run_id, started_ms, code, "
                        + "severity, host) SELECT id, started_ms, ?, ?, ? FROM runs WHERE id = ?")) {
                    for (Finding f : report.findings()) {
                        s.setString(1, f.code().name());
                        s.setString(2, f.severity().label());
                        s.setString(3, f.host());
                        s.setString(4, id);
                        s.addBatch();
                    }
                    s.executeBatch();
                }
                c.commit();
            } catch (SQLException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(auto);
            }
            return null;
        });
    }

    /** Marks runs left running by a crash or restart as interrupted; returns them (their threads get a note). */
    public synchronized List<RunSummary> interruptRunning() throws HistoryException {
        return run("mark interrupted runs", c -> {
            List<RunSummary> left = query(c, "SELECT * FROM runs WHERE state = 'running' ORDER BY started_ms", s -> {});
            try (PreparedStatement s = c.prepareStatement("UPDATE runs SET state = 'interrupted' WHERE state = "
                    + "'running'")) {
                s.executeUpdate();
            }
            return left;
        });
    }

    /**
     * The latest runs, newest first: all, or those about {@code domain} (its mx, dns and smtptest runs), or those
     * with a finding {@code code}.
     */
    public synchronized List<RunSummary> latest(Optional<String> domain, Optional<String> code, int limit)
            throws HistoryException {
        return latest(domain, code, Optional.empty(), limit);
    }

    /** As {@link #latest(Optional, Optional, int)}, optionally only one requester's runs. */
    public synchronized List<RunSummary> latest(Optional<String> domain, Optional<String> code,
            Optional<String> requester, int limit) throws HistoryException {
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

    /** The report and start of the latest finished run of the same command and query before {@code before}. */
    public synchronized Optional<Previous> previous(String command, String query, Instant before)
            throws HistoryException {
        return run("read the previous run", c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT started_ms, report FROM runs WHERE command = ? AND "
                    + "query = ? AND started_ms < ? AND report IS NOT NULL ORDER BY started_ms DESC LIMIT 1")) {
                s.setString(1, command);
                s.setString(2, query);
                s.setLong(3, before.toEpochMilli());
                try (ResultSet rs = s.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.<Previous>empty();
                    }
                    return Optional.of(new Previous(Instant.ofEpochMilli(rs.getLong(1)),
                            JsonParser.parseString(rs.getString(2)).getAsJsonObject()));
                }
            }
        });
    }

    /** A previous run: when it started and its JSON report. */
    public record Previous(Instant started, JsonObject report) {}

    /**
     * Claims a Slack event id: true the first time any bot sharing this database sees it, false for redeliveries.
     */
    public synchronized boolean claimEvent(String eventId, Instant now) throws HistoryException {
        return run("record event " + eventId, c -> {
            try (PreparedStatement s = c.prepareStatement("INSERT INTO slack_events (id, seen_ms) VALUES (?, ?)")) {
                s.setString(1, eventId);
                s.setLong(2, now.toEpochMilli());
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
    public synchronized int purgeBefore(Instant cutoff) throws HistoryException {
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
                return purged;
            }
        });
    }

    @FunctionalInterface
    private interface Work<T> {
        T apply(Connection c) throws SQLException;
    }

    @FunctionalInterface
    private interface Binder {
        void bind(PreparedStatement s) throws SQLException;
    }

    private <T> T run(String what, Work<T> work) throws HistoryException {
        try {
            return work.apply(connection());
        } catch (SQLException e) {
            closeQuietly(); // reconnect next time: the database may have restarted
            throw new HistoryException("cannot " + what + ": " + rootMessage(e), e);
        }
    }

    private static List<RunSummary> query(Connection c, String sql, Binder binder) throws SQLException {
        List<RunSummary> out = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement(sql)) {
            binder.bind(s);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    List<String> changes = new ArrayList<>();
                    String json = rs.getString("changes");
                    if (json != null) {
                        JsonParser.parseString(json).getAsJsonArray().forEach(e -> changes.add(e.getAsString()));
                    }
                    out.add(new RunSummary(rs.getString("id"), Instant.ofEpochMilli(rs.getLong("started_ms")),
                            rs.getLong("duration_ms"), rs.getString("command"), rs.getString("query"),
                            rs.getString("requester"), rs.getString("state"),
                            Optional.ofNullable(rs.getString("status")), Optional.ofNullable(rs.getString("summary")),
                            changes, Optional.ofNullable(rs.getString("workspace")),
                            Optional.ofNullable(rs.getString("channel")),
                            Optional.ofNullable(rs.getString("thread_ts"))));
                }
            }
        }
        return out;
    }

    private static void setOptional(PreparedStatement s, int index, Optional<String> value) throws SQLException {
        if (value.isPresent()) {
            s.setString(index, value.get());
        } else {
            s.setNull(index, Types.VARCHAR);
        }
    }

    private static String rootMessage(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        return c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage();
    }

    /** The URL without a password, for messages. */
    static String redact(String url) {
        return url.replaceAll("(?i)(password=)[^&;]*", "$1***").replaceAll("//([^:/@]+):[^@/]*@", "//$1:***@");
    }

    private void closeQuietly() {
        try {
            if (connection != null) {
                connection.close();
            }
        } catch (SQLException e) {
            // already broken
        }
        connection = null;
    }

    @Override
    public synchronized void close() {
        closeQuietly();
    }

}
