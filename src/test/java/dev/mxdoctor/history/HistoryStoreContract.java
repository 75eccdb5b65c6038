package dev.mxdoctor.history;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mxdoctor.diagnosis.Finding;
import dev.mxdoctor.diagnosis.FindingCode;
import dev.mxdoctor.diagnosis.Verdict;
import dev.mxdoctor.report.Report;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** The same suite against every database the history supports; subclasses say which. */
abstract class HistoryStoreContract {

    /** A fresh, empty database's JDBC URL. */
    abstract String newDatabase() throws Exception;

    static Report report(String query, Verdict.Status status, Instant started, FindingCode... codes) {
        List<Finding> findings = new ArrayList<>();
        for (FindingCode c : codes) {
            findings.add(Finding.of(c, Finding.Stage.RCPT, "mx1." + query, c.title()));
        }
        return new Report("mx", query, query, "192.0.2.53", started, 321, new Verdict(status, "summary of " + query),
                findings, List.of(new Report.MxEntry(10, "mx1." + query, false, 300, List.of("192.0.2.10"),
                        List.of())), List.of(), List.of(), List.of());
    }

    @Test
    void startAndFinish_areReadBackNewestFirst() throws Exception {
        try (HistoryStore store = HistoryStore.open(newDatabase())) {
            Instant t0 = Instant.parse("2026-11-23T10:00:00Z");
            for (int i = 0; i < 3; i++) {
                Instant t = t0.plusSeconds(60L * i);
                store.start(new RunRecord("r" + i, Optional.of("T1"), Optional.of("C1"), Optional.of("1.2"), "U1",
                        "mx", "example.com", t));
                store.finish("r" + i, report("example.com", Verdict.Status.OK, t), List.of("change " + i), "done");
            }
            List<RunSummary> runs = store.latest(Optional.of("example.com"), Optional.empty(), 2);
            assertThat(runs).extracting(RunSummary::id).containsExactly("r2", "r1");
            RunSummary r = runs.get(0);
            assertThat(r.status()).contains("ok");
            assertThat(r.summary()).contains("summary of example.com");
            assertThat(r.changes()).containsExactly("change 2");
            assertThat(r.channel()).contains("C1");
            assertThat(r.threadTs()).contains("1.2");
            assertThat(r.durationMs()).isEqualTo(321);
        }
    }

    @Test
    void latest_byDomainFindsSmtptestsOfItsAddressesAndByCodeFindsFindings() throws Exception {
        try (HistoryStore store = HistoryStore.open(newDatabase())) {
            Instant t = Instant.parse("2026-11-23T10:00:00Z");
            store.start(RunRecord.local("a", "me", "smtptest", "alice@corp.example", t));
            store.finish("a", report("corp.example", Verdict.Status.FAILING, t, FindingCode.RELAY_DENIED), List.of(),
                    "done");
            store.start(RunRecord.local("b", "me", "mx", "other.example", t.plusSeconds(1)));
            store.finish("b", report("other.example", Verdict.Status.OK, t), List.of(), "done");
            assertThat(store.latest(Optional.of("corp.example"), Optional.empty(), 10)).extracting(RunSummary::id)
                    .containsExactly("a");
            assertThat(store.latest(Optional.empty(), Optional.of("RELAY_DENIED"), 10)).extracting(RunSummary::id)
                    .containsExactly("a");
            assertThat(store.latest(Optional.empty(), Optional.empty(), 10)).extracting(RunSummary::id)
                    .containsExactly("b", "a");
        }
    }

    @Test
    void reopenAfterACrash_marksRunsLeftRunningAsInterrupted() throws Exception {
        String url = newDatabase();
        Instant t = Instant.parse("2026-11-23T10:00:00Z");
        try (HistoryStore first = HistoryStore.open(url)) {
            first.start(new RunRecord("left", Optional.empty(), Optional.of("C9"), Optional.of("9.9"), "U1", "mx",
                    "example.com", t));
        }
        try (HistoryStore second = HistoryStore.open(url)) {
            assertThat(second.interruptRunning()).extracting(RunSummary::id).containsExactly("left");
            assertThat(second.latest(Optional.empty(), Optional.empty(), 5).get(0).state()).isEqualTo("interrupted");
            assertThat(second.interruptRunning()).isEmpty();
        }
    }

    @Test
    void previous_isTheLatestFinishedRunOfTheSameQuery() throws Exception {
        try (HistoryStore store = HistoryStore.open(newDatabase())) {
            Instant t = Instant.parse("2026-11-23T13:40:00Z");
            store.start(RunRecord.local("old", "me", "mx", "example.com", t));
            store.finish("old", report("example.com", Verdict.Status.FAILING, t), List.of(), "done");
            store.start(RunRecord.local("unfinished", "me", "mx", "example.com", t.plusSeconds(60)));
            HistoryStore.Previous p = store.previous("mx", "example.com", t.plusSeconds(120)).orElseThrow();
            assertThat(p.started()).isEqualTo(t);
            assertThat(p.report().getAsJsonObject("verdict").get("status").getAsString()).isEqualTo("failing");
            assertThat(store.previous("mx", "example.com", t)).isEmpty();
        }
    }

    @Test
    void purgeBefore_deletesOldRunsAndTheirFindings() throws Exception {
        try (HistoryStore store = HistoryStore.open(newDatabase())) {
            Instant old = Instant.parse("2026-01-01T00:00:00Z");
            store.start(RunRecord.local("old", "me", "mx", "example.com", old));
            store.finish("old", report("example.com", Verdict.Status.OK, old, FindingCode.MX_SINGLE_HOST), List.of(),
                    "done");
            Instant recent = Instant.parse("2026-11-01T00:00:00Z");
            store.start(RunRecord.local("new", "me", "mx", "example.com", recent));
            assertThat(store.purgeBefore(Instant.parse("2026-08-01T00:00:00Z"))).isEqualTo(1);
            assertThat(store.latest(Optional.empty(), Optional.empty(), 10)).extracting(RunSummary::id)
                    .containsExactly("new");
            assertThat(store.latest(Optional.empty(), Optional.of("MX_SINGLE_HOST"), 10)).isEmpty();
        }
    }

    @Test
    void twoWritersOnOneDatabase_loseNothing() throws Exception {
        String url = newDatabase();
        try (HistoryStore a = HistoryStore.open(url); HistoryStore b = HistoryStore.open(url);
                ExecutorService pool = Executors.newFixedThreadPool(4)) {
            List<Future<?>> writes = new ArrayList<>();
            Instant t = Instant.parse("2026-11-23T10:00:00Z");
            for (int i = 0; i < 100; i++) {
                HistoryStore s = i % 2 == 0 ? a : b;
                String id = "w" + i;
                Instant when = t.plusMillis(i);
                writes.add(pool.submit(() -> {
                    s.start(RunRecord.local(id, "me", "mx", "example.com", when));
                    s.finish(id, report("example.com", Verdict.Status.OK, when, FindingCode.MX_SINGLE_HOST), List.of(),
                            "done");
                    return null;
                }));
            }
            for (Future<?> w : writes) {
                w.get();
            }
            assertThat(a.latest(Optional.of("example.com"), Optional.empty(), 1000)).hasSize(100)
                    .allSatisfy(r -> assertThat(r.state()).isEqualTo("done"));
            assertThat(b.latest(Optional.empty(), Optional.of("MX_SINGLE_HOST"), 1000)).hasSize(100);
        }
    }

    @Test
    void claimEvent_onlyTheFirstDeliveryAcrossStoresWins() throws Exception {
        String url = newDatabase();
        try (HistoryStore a = HistoryStore.open(url); HistoryStore b = HistoryStore.open(url)) {
            Instant now = Instant.parse("2026-11-23T10:00:00Z");
            assertThat(a.claimEvent("Ev1", now)).isTrue();
            assertThat(b.claimEvent("Ev1", now)).isFalse();
            assertThat(a.claimEvent("Ev1", now)).isFalse();
            assertThat(b.claimEvent("Ev2", now)).isTrue();
        }
    }

    @Test
    void latest_byRequester_isOnlyTheirRuns() throws Exception {
        try (HistoryStore store = HistoryStore.open(newDatabase())) {
            Instant t = Instant.parse("2026-11-23T10:00:00Z");
            store.start(RunRecord.local("mine", "U1", "mx", "a.example", t));
            store.start(RunRecord.local("theirs", "U2", "mx", "b.example", t));
            assertThat(store.latest(Optional.empty(), Optional.empty(), Optional.of("U1"), 10))
                    .extracting(RunSummary::id).containsExactly("mine");
        }
    }

    @Test
    void schemaVersion_isTheNewestMigration() throws Exception {
        try (var files = java.nio.file.Files.list(java.nio.file.Path.of("src/main/resources/db/migration"))) {
            int newest = files.map(p -> p.getFileName().toString()).filter(n -> n.matches("V\\d+__.*\\.sql"))
                    .mapToInt(n -> Integer.parseInt(n.substring(1, n.indexOf("__")))).max().orElseThrow();
            assertThat(HistoryStore.SCHEMA_VERSION).isEqualTo(newest);
        }
    }

    @Test
    void redact_hidesPasswords() {
        assertThat(HistoryStore.redact("jdbc:postgresql://db/h?user=mx&password=s3cret"))
                .isEqualTo("jdbc:postgresql://db/h?user=mx&password=***");
    }

    @Test
    void open_schemaNewerThanTheCode_isRefusedWithTheReason() throws Exception {
        String url = newDatabase();
        HistoryStore.open(url).close();
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(url);
                java.sql.Statement s = c.createStatement()) {
            s.executeUpdate("INSERT INTO flyway_schema_history (installed_rank, version, description, type, script, "
                    + "checksum, installed_by, execution_time, success) VALUES (99, '99', 'future', 'SQL', "
                    + "'V99__future.sql', 0, 'test', 0, " + (url.startsWith("jdbc:sqlite") ? "1" : "true") + ")");
        }
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> HistoryStore.open(url))
                .isInstanceOf(HistoryException.class)
                .hasMessageContaining("schema version 99, newer than this mxdoctor knows");
    }

    @Test
    void history_databaseDown_keepsWritesAndWritesThemWhenBack() throws Exception {
        String url = unavailableDatabase();
        Instant t = Instant.parse("2026-11-23T10:00:00Z");
        RunRecord run = RunRecord.local("while-down", "me", "mx", "example.com", t);
        try (History history = new History(url, java.time.Clock.systemUTC())) {
            history.started(run);
            assertThat(history.finished(run, report("example.com", Verdict.Status.OK, t), "done")).isEmpty();
            assertThat(history.problem()).isPresent();
            assertThat(history.pending()).isEqualTo(2);
            makeAvailable();
            history.flush();
            assertThat(history.problem()).isEmpty();
            assertThat(history.pending()).isZero();
            assertThat(history.latest(Optional.empty(), Optional.empty(), 5)).singleElement()
                    .satisfies(r -> assertThat(r.state()).isEqualTo("done"));
        }
    }

    /** A JDBC URL that cannot be used yet; {@link #makeAvailable()} makes it usable. */
    abstract String unavailableDatabase() throws Exception;

    abstract void makeAvailable() throws Exception;
}
