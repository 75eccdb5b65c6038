package dev.mxdoctor.history;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The watches table, on the history's connection. A watch is held by one bot at a time: {@link #claim} takes the
 * free ones and renews its own in one statement per kind, so two bots can never both hold one; every write of a
 * watch's progress names its holder, so a bot that lost a watch cannot overwrite the new holder's state.
 */
final class WatchStore {

    private static final String LIVE = "state IN ('active', 'stopping')";

    private WatchStore() {}

    static void create(HistoryStore store, WatchRecord w, String holder, Instant heldUntil) throws HistoryException {
        store.run("record watch " + w.id(), c -> {
            try (PreparedStatement s = c.prepareStatement("INSERT INTO watches (id, workspace, channel, thread_ts, "
                    + "requester, command_line, every_ms, created_ms, ends_ms, until_ok, state, parent_ts, "
                    + "parent_message, runs, last_run_ms, last_status, next_ms, baseline, baseline_ms, note, "
                    + "stopped_by, holder, held_until_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
                    + "?, ?, ?, ?, ?, ?)")) {
                s.setString(1, w.id());
                text(s, 2, w.workspace());
                s.setString(3, w.channel());
                text(s, 4, w.threadTs());
                s.setString(5, w.requester());
                s.setString(6, w.commandLine());
                s.setLong(7, w.every().toMillis());
                s.setLong(8, w.created().toEpochMilli());
                s.setLong(9, w.ends().toEpochMilli());
                s.setInt(10, w.untilOk() ? 1 : 0);
                progress(s, 11, w);
                s.setString(22, holder);
                s.setLong(23, heldUntil.toEpochMilli());
                s.executeUpdate();
            }
            return Boolean.TRUE;
        });
    }

    /** Binds state … stopped_by (eleven parameters from {@code from}). */
    private static void progress(PreparedStatement s, int from, WatchRecord w) throws SQLException {
        s.setString(from, w.state().label());
        text(s, from + 1, w.parentTs());
        text(s, from + 2, w.parentMessage());
        s.setInt(from + 3, w.runs());
        time(s, from + 4, w.lastRun());
        text(s, from + 5, w.lastStatus());
        s.setLong(from + 6, w.next().toEpochMilli());
        text(s, from + 7, w.baseline());
        time(s, from + 8, w.baselineAt());
        text(s, from + 9, w.note().map(n -> n.length() > 500 ? n.substring(0, 499) + "…" : n));
        text(s, from + 10, w.stoppedBy());
    }

    /** Writes a watch's progress; false when {@code holder} no longer holds it (another bot took it over). */
    static boolean save(HistoryStore store, WatchRecord w, String holder) throws HistoryException {
        return store.run("record watch " + w.id(), c -> {
            try (PreparedStatement s = c.prepareStatement("UPDATE watches SET state = ?, parent_ts = ?, "
                    + "parent_message = ?, runs = ?, last_run_ms = ?, last_status = ?, next_ms = ?, baseline = ?, "
                    + "baseline_ms = ?, note = ?, stopped_by = ?, thread_ts = ? WHERE id = ? AND holder = ? AND "
                    + "state <> 'ended'")) {
                progress(s, 1, w);
                text(s, 12, w.threadTs());
                s.setString(13, w.id());
                s.setString(14, holder);
                return s.executeUpdate() == 1;
            }
        });
    }

    /**
     * Takes every live watch nobody holds (or whose holder stopped renewing) and renews those {@code holder} has,
     * until {@code heldUntil}; returns the live watches it now holds.
     */
    static List<WatchRecord> claim(HistoryStore store, String holder, Instant now, Instant heldUntil)
            throws HistoryException {
        return store.run("claim watches", c -> {
            try (PreparedStatement s = c.prepareStatement("UPDATE watches SET holder = ?, held_until_ms = ? WHERE "
                    + LIVE + " AND (holder = ? OR holder IS NULL OR held_until_ms < ?)")) {
                s.setString(1, holder);
                s.setLong(2, heldUntil.toEpochMilli());
                s.setString(3, holder);
                s.setLong(4, now.toEpochMilli());
                s.executeUpdate();
            }
            return select(c, "SELECT * FROM watches WHERE holder = ? AND " + LIVE + " ORDER BY created_ms",
                    holder);
        });
    }

    /** Lets go of every watch {@code holder} has (a clean stop), so that another bot takes them at once. */
    static void release(HistoryStore store, String holder) throws HistoryException {
        store.run("release watches", c -> {
            try (PreparedStatement s = c.prepareStatement("UPDATE watches SET holder = NULL, held_until_ms = 0 "
                    + "WHERE holder = ?")) {
                s.setString(1, holder);
                s.executeUpdate();
            }
            return Boolean.TRUE;
        });
    }

    /** Asks a live watch to stop; its holder says so in its thread. Empty when there is no such live watch. */
    static Optional<WatchRecord> requestStop(HistoryStore store, String id, String by) throws HistoryException {
        return store.run("stop watch " + id, c -> {
            try (PreparedStatement s = c.prepareStatement("UPDATE watches SET state = 'stopping', stopped_by = ? "
                    + "WHERE id = ? AND state = 'active'")) {
                s.setString(1, by);
                s.setString(2, id);
                if (s.executeUpdate() != 1) {
                    return Optional.<WatchRecord>empty();
                }
            }
            return select(c, "SELECT * FROM watches WHERE id = ?", id).stream().findFirst();
        });
    }

    static Optional<WatchRecord> find(HistoryStore store, String id) throws HistoryException {
        return store.run("read watch " + id, c -> select(c, "SELECT * FROM watches WHERE id = ?", id).stream()
                .findFirst());
    }

    /** Live watches, oldest first: all, or one channel's, or one requester's. */
    static List<WatchRecord> live(HistoryStore store, Optional<String> channel, Optional<String> requester)
            throws HistoryException {
        StringBuilder sql = new StringBuilder("SELECT * FROM watches WHERE " + LIVE);
        List<String> args = new ArrayList<>();
        channel.ifPresent(ch -> {
            sql.append(" AND channel = ?");
            args.add(ch);
        });
        requester.ifPresent(r -> {
            sql.append(" AND requester = ?");
            args.add(r);
        });
        sql.append(" ORDER BY created_ms LIMIT 1000");
        return store.run("read watches", c -> select(c, sql.toString(), args.toArray(String[]::new)));
    }

    /** Deletes ended watches that ended (were last run or made) before {@code cutoff}. */
    static int purgeBefore(Connection c, Instant cutoff) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("DELETE FROM watches WHERE state = 'ended' AND "
                + "COALESCE(last_run_ms, created_ms) < ?")) {
            s.setLong(1, cutoff.toEpochMilli());
            return s.executeUpdate();
        }
    }

    private static List<WatchRecord> select(Connection c, String sql, String... args) throws SQLException {
        List<WatchRecord> out = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                s.setString(i + 1, args[i]);
            }
            s.setQueryTimeout(HistoryStore.STATEMENT_SECONDS);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    out.add(new WatchRecord(rs.getString("id"), opt(rs, "workspace"), rs.getString("channel"),
                            opt(rs, "thread_ts"), rs.getString("requester"), rs.getString("command_line"),
                            Duration.ofMillis(rs.getLong("every_ms")), Instant.ofEpochMilli(rs.getLong("created_ms")),
                            Instant.ofEpochMilli(rs.getLong("ends_ms")), rs.getInt("until_ok") != 0,
                            WatchRecord.State.of(rs.getString("state")), opt(rs, "parent_ts"),
                            opt(rs, "parent_message"), rs.getInt("runs"), instant(rs, "last_run_ms"),
                            opt(rs, "last_status"), Instant.ofEpochMilli(rs.getLong("next_ms")), opt(rs, "baseline"),
                            instant(rs, "baseline_ms"), opt(rs, "note"), opt(rs, "stopped_by")));
                }
            }
        }
        return out;
    }

    private static Optional<String> opt(ResultSet rs, String column) throws SQLException {
        return Optional.ofNullable(rs.getString(column));
    }

    private static Optional<Instant> instant(ResultSet rs, String column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? Optional.empty() : Optional.of(Instant.ofEpochMilli(v));
    }

    private static void text(PreparedStatement s, int index, Optional<String> value) throws SQLException {
        if (value.isPresent()) {
            s.setString(index, value.get());
        } else {
            s.setNull(index, Types.VARCHAR);
        }
    }

    private static void time(PreparedStatement s, int index, Optional<Instant> value) throws SQLException {
        if (value.isPresent()) {
            s.setLong(index, value.get().toEpochMilli());
        } else {
            s.setNull(index, Types.BIGINT);
        }
    }
}
