package dev.mxdoctor.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.mxdoctor.diagnosis.Finding;
import dev.mxdoctor.diagnosis.FindingCode;
import dev.mxdoctor.diagnosis.Verdict;
import dev.mxdoctor.report.Report;
import java.time.Duration;
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

    static final String OWNER = Owner.current().label();

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
                        "mx", "example.com", t), OWNER);
                store.finish("r" + i, report("example.com", Verdict.Status.OK, t), List.of("change " + i), RunState.DONE);
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
            store.start(RunRecord.local("a", "me", "smtptest", "alice@corp.example", t), OWNER);
            store.finish("a", report("corp.example", Verdict.Status.FAILING, t, FindingCode.RELAY_DENIED), List.of(),
                    RunState.DONE);
            store.start(RunRecord.local("b", "me", "mx", "other.example", t.plusSeconds(1)), OWNER);
            store.finish("b", report("other.example", Verdict.Status.OK, t), List.of(), RunState.DONE);
            assertThat(store.latest(Optional.of("corp.example"), Optional.empty(), 10)).extracting(RunSummary::id)
                    .containsExactly("a");
            assertThat(store.latest(Optional.empty(), Optional.of("RELAY_DENIED"), 10)).extracting(RunSummary::id)
                    .containsExactly("a");
            assertThat(store.latest(Optional.empty(), Optional.empty(), 10)).extracting(RunSummary::id)
                    .containsExactly("b", "a");
        }
    }

    @Test
    void interruptAbandoned_marksRunsOfGoneProcessesAndStaleRunsOnly() throws Exception {
        String url = newDatabase();
        Instant now = Instant.parse("2026-11-23T10:00:00Z");
        String gone = "deadhost/1/1";
        try (HistoryStore first = HistoryStore.open(url)) {
            first.start(new RunRecord("dead", Optional.empty(), Optional.of("C9"), Optional.of("9.9"), "U1", "mx",
                    "example.com", now.minusSeconds(30)), gone);
            first.start(RunRecord.local("alive", "me", "mx", "example.com", now.minusSeconds(30)), OWNER);
            first.start(RunRecord.local("stale", "me", "mx", "example.com", now.minus(Duration.ofHours(2))),
                    "elsewhere/7/7");
        }
        try (HistoryStore second = HistoryStore.open(url)) {
            assertThat(second.interruptAbandoned(now, Duration.ofMinutes(1), Duration.ofHours(1), gone::equals))
                    .extracting(RunSummary::id).containsExactly("stale", "dead");
            assertThat(second.latest(Optional.empty(), Optional.empty(), 5))
                    .extracting(RunSummary::id, RunSummary::state)
                    .containsExactlyInAnyOrder(tuple("dead", "interrupted"), tuple("alive", "running"),
                            tuple("stale", "interrupted"));
            assertThat(second.interruptAbandoned(now, Duration.ofMinutes(1), Duration.ofHours(1), gone::equals)).isEmpty();
        }
    }

    @Test
    void interruptAbandoned_otherHostsBots_byTheirHeartbeat_eachRunOnceWhicheverReplicaAsks() throws Exception {
        String url = newDatabase();
        Instant now = Instant.parse("2026-11-23T10:00:00Z");
        String beating = "pod-a/1/100";
        String silent = "pod-b/1/200";
        try (HistoryStore a = HistoryStore.open(url); HistoryStore b = HistoryStore.open(url)) {
            a.heartbeat(beating, now.minusSeconds(70)); // an older beat, then a fresh one: the row is updated
            a.heartbeat(beating, now.minusSeconds(5));
            a.heartbeat(silent, now.minusSeconds(90));
            a.start(RunRecord.local("beating", "me", "mx", "example.com", now.minusSeconds(600)), beating);
            a.start(RunRecord.local("silent", "me", "mx", "example.com", now.minusSeconds(20)), silent);
            a.start(RunRecord.local("cli", "me", "mx", "example.com", now.minusSeconds(600)), "laptop/9/9");
            // Neither pod runs on this host, so only the heartbeat (or age) can tell.
            assertThat(b.interruptAbandoned(now, Duration.ofMinutes(1), Duration.ofHours(1), o -> false))
                    .extracting(RunSummary::id).containsExactly("silent");
            assertThat(a.interruptAbandoned(now, Duration.ofMinutes(1), Duration.ofHours(1), o -> false))
                    .as("already marked by the other replica").isEmpty();
            assertThat(a.latest(Optional.empty(), Optional.empty(), 5)).extracting(RunSummary::id, RunSummary::state)
                    .containsExactlyInAnyOrder(tuple("beating", "running"), tuple("silent", "interrupted"),
                            tuple("cli", "running"));
            // A clean stop forgets the beat: the run is then judged by its age alone.
            a.forget(beating);
            assertThat(b.interruptAbandoned(now.plus(Duration.ofHours(1)), Duration.ofMinutes(1),
                    Duration.ofHours(1), o -> false)).extracting(RunSummary::id).containsExactly("beating", "cli");
        }
    }

    @Test
    void lease_isHeldByOneHolderUntilItRunsOutOrIsRenewed() throws Exception {
        try (HistoryStore a = HistoryStore.open(newDatabase())) {
            Instant t = Instant.parse("2026-11-23T10:00:00Z");
            Duration hold = Duration.ofMinutes(55);
            assertThat(a.tryLease("retention", "pod-a", t, hold)).isTrue();
            assertThat(a.tryLease("retention", "pod-b", t.plusSeconds(60), hold)).isFalse();
            assertThat(a.tryLease("retention", "pod-a", t.plusSeconds(60), hold)).as("renewed by its holder").isTrue();
            assertThat(a.tryLease("other", "pod-b", t.plusSeconds(60), hold)).as("leases are by name").isTrue();
            assertThat(a.tryLease("retention", "pod-b", t.plus(hold).plusSeconds(61), hold)).as("ran out").isTrue();
            assertThat(a.tryLease("retention", "pod-a", t.plus(hold).plusSeconds(62), hold)).isFalse();
        }
    }

    @Test
    void previous_isTheLatestFinishedRunOfTheSameQuery() throws Exception {
        try (HistoryStore store = HistoryStore.open(newDatabase())) {
            Instant t = Instant.parse("2026-11-23T13:40:00Z");
            store.start(RunRecord.local("old", "me", "mx", "example.com", t), OWNER);
            store.finish("old", report("example.com", Verdict.Status.FAILING, t), List.of(), RunState.DONE);
            store.start(RunRecord.local("unfinished", "me", "mx", "example.com", t.plusSeconds(60)), OWNER);
            HistoryStore.Previous p = store.previous("mx", "example.com", t.plusSeconds(120)).orElseThrow();
            assertThat(p.started()).isEqualTo(t);
            assertThat(p.snapshot().status()).isEqualTo("failing");
            assertThat(store.previous("mx", "example.com", t)).isEmpty();
        }
    }

    @Test
    void previous_unreadableStoredReport_isPassedOverForTheOneBefore() throws Exception {
        String url = newDatabase();
        Instant t = Instant.parse("2026-11-23T13:40:00Z");
        try (HistoryStore store = HistoryStore.open(url)) {
            store.start(RunRecord.local("good", "me", "mx", "example.com", t), OWNER);
            store.finish("good", report("example.com", Verdict.Status.OK, t), List.of(), RunState.DONE);
            store.start(RunRecord.local("bad", "me", "mx", "example.com", t.plusSeconds(1)), OWNER);
            store.finish("bad", report("example.com", Verdict.Status.OK, t), List.of(), RunState.DONE);
        }
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(url);
                java.sql.Statement s = c.createStatement()) {
            s.executeUpdate("UPDATE runs SET report = '[not, json', changes = 'nor this' WHERE id = 'bad'");
        }
        try (HistoryStore store = HistoryStore.open(url)) {
            assertThat(store.previous("mx", "example.com", t.plusSeconds(5)).orElseThrow().started()).isEqualTo(t);
            assertThat(store.latest(Optional.empty(), Optional.empty(), 5)).extracting(RunSummary::id)
                    .containsExactly("bad", "good");
        }
    }

    @Test
    void purgeBefore_deletesOldRunsAndTheirFindings() throws Exception {
        try (HistoryStore store = HistoryStore.open(newDatabase())) {
            Instant old = Instant.parse("2026-01-01T00:00:00Z");
            store.start(RunRecord.local("old", "me", "mx", "example.com", old), OWNER);
            store.finish("old", report("example.com", Verdict.Status.OK, old, FindingCode.MX_SINGLE_HOST), List.of(),
                    RunState.DONE);
            Instant recent = Instant.parse("2026-11-01T00:00:00Z");
            store.start(RunRecord.local("new", "me", "mx", "example.com", recent), OWNER);
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
                    s.start(RunRecord.local(id, "me", "mx", "example.com", when), OWNER);
                    s.finish(id, report("example.com", Verdict.Status.OK, when, FindingCode.MX_SINGLE_HOST), List.of(),
                            RunState.DONE);
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
            store.start(RunRecord.local("mine", "U1", "mx", "a.example", t), OWNER);
            store.start(RunRecord.local("theirs", "U2", "mx", "b.example", t), OWNER);
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
    void history_databaseDown_answersAtOnceKeepsWritesAndWritesThemWhenBack() throws Exception {
        String url = unavailableDatabase();
        Instant t = Instant.parse("2026-11-23T10:00:00Z");
        RunRecord run = RunRecord.local("while-down", "me", "mx", "example.com", t);
        try (History history = History.open(url, java.time.Clock.systemUTC(), BUDGETS)) {
            History.Run r = history.begin(run);
            assertThat(r.finish(report("example.com", Verdict.Status.OK, t), RunState.DONE)).isEmpty();
            assertThat(history.problem()).isPresent();
            assertThat(history.pending()).isEqualTo(2);
            assertThat(history.claimEvent("Ev1", id -> true)).isTrue(); // the fallback decides
            makeAvailable();
            history.retryNow();
            assertThat(history.awaitWrites(Duration.ofSeconds(30))).isTrue();
            assertThat(history.latest(Optional.empty(), Optional.empty(), 5)).singleElement()
                    .satisfies(s -> assertThat(s.state()).isEqualTo("done"));
            assertThat(history.problem()).isEmpty();
            assertThat(history.pending()).isZero();
        }
    }

    @Test
    void history_sameQueryAgainAndAgain_saysNothingChangedThenWhatDid() throws Exception {
        try (History history = History.open(newDatabase(), java.time.Clock.systemUTC(), BUDGETS)) {
            Instant t = Instant.parse("2026-11-23T10:00:00Z");
            // Findings without a host (the domain's as a whole) crashed the second run once.
            Report domainWide = report("example.com", Verdict.Status.DEGRADED, t, FindingCode.MX_SINGLE_HOST)
                    .withFindings(List.of(Finding.of(FindingCode.DNS_ANSWERS_DIFFER, Finding.Stage.DNS, null,
                            "the name servers disagree")));
            for (int i = 0; i < 100; i++) {
                Instant at = t.plusSeconds(60L * i);
                History.Run r = history.begin(RunRecord.local("same" + i, "me", "mx", "example.com", at));
                List<String> changes = r.finish(domainWide.startedAt(at), RunState.DONE);
                assertThat(changes).as("run %d", i).isEmpty();
            }
            Instant later = t.plusSeconds(60L * 100);
            History.Run r = history.begin(RunRecord.local("changed", "me", "mx", "example.com", later));
            assertThat(r.finish(report("example.com", Verdict.Status.OK, later), RunState.DONE))
                    .containsExactly("verdict degraded → ok (it was degraded at 11:39)",
                            "cleared: DNS_ANSWERS_DIFFER");
            assertThat(history.latest(Optional.of("example.com"), Optional.empty(), 200)).hasSize(101)
                    .allSatisfy(s -> assertThat(s.state()).isEqualTo("done"));
        }
    }

    @Test
    void runsThatSharedOneReport_areEachRecordedWithIt_andTheNextReportIsComparedAfresh() throws Exception {
        try (History history = History.open(newDatabase(), java.time.Clock.systemUTC(), BUDGETS)) {
            Instant t = Instant.parse("2026-12-01T10:00:00Z");
            Report degraded = report("example.com", Verdict.Status.DEGRADED, t, FindingCode.MX_SINGLE_HOST);
            // Five people asked at once and one run answered them all: each run finishes with the same report.
            for (int i = 0; i < 5; i++) {
                History.Run r = history.begin(RunRecord.local("shared" + i, "u" + i, "mx", "example.com", t));
                assertThat(r.finish(degraded, RunState.DONE)).as("run %d", i).isEmpty();
            }
            History.Run next = history.begin(RunRecord.local("next", "me", "mx", "example.com", t.plusSeconds(60)));
            assertThat(next.finish(report("example.com", Verdict.Status.OK, t.plusSeconds(60)), RunState.DONE))
                    .contains("cleared: MX_SINGLE_HOST on mx1.example.com").anySatisfy(c -> assertThat(c).startsWith(
                            "verdict degraded → ok"));
            // The first report again, after another: compared with the run just before, not with a remembered one.
            History.Run again = history.begin(RunRecord.local("again", "me", "mx", "example.com",
                    t.plusSeconds(120)));
            assertThat(again.finish(degraded, RunState.DONE)).hasSize(2)
                    .anySatisfy(c -> assertThat(c).startsWith("verdict ok → degraded"));
            assertThat(history.latest(Optional.of("example.com"), Optional.empty(), 10))
                    .extracting(s -> s.status().orElseThrow())
                    .containsExactly("degraded", "ok", "degraded", "degraded", "degraded", "degraded", "degraded");
        }
    }

    @Test
    void interleavedRuns_areComparedWithTheLatestRunInTheDatabase_evenOneAnotherProcessWrote() throws Exception {
        String db = newDatabase();
        try (History here = History.open(db, java.time.Clock.systemUTC(), BUDGETS);
                History there = History.open(db, java.time.Clock.systemUTC(), BUDGETS)) {
            Instant t = Instant.parse("2026-12-01T11:00:00Z");
            Report aDegraded = report("a.example", Verdict.Status.DEGRADED, t, FindingCode.MX_SINGLE_HOST);
            Report bOk = report("b.example", Verdict.Status.OK, t);
            // Two checks, each shared by three people, ending together: their runs finish interleaved.
            for (int i = 0; i < 3; i++) {
                assertThat(here.begin(RunRecord.local("a" + i, "u" + i, "mx", "a.example", t.plusMillis(i)))
                        .finish(aDegraded, RunState.DONE)).as("a.example run %d", i).isEmpty();
                assertThat(here.begin(RunRecord.local("b" + i, "u" + i, "mx", "b.example", t.plusMillis(i)))
                        .finish(bOk, RunState.DONE)).as("b.example run %d", i).isEmpty();
            }
            // Another bot on the same database sees a.example mended.
            assertThat(there.begin(RunRecord.local("a-there", "v", "mx", "a.example", t.plusSeconds(60)))
                    .finish(report("a.example", Verdict.Status.OK, t.plusSeconds(60)), RunState.DONE))
                    .anySatisfy(c -> assertThat(c).startsWith("verdict degraded → ok"));
            // This bot's next runs: a.example against the other bot's run, not against one it remembers.
            assertThat(here.begin(RunRecord.local("a-next", "u", "mx", "a.example", t.plusSeconds(120)))
                    .finish(aDegraded, RunState.DONE)).anySatisfy(c -> assertThat(c).startsWith(
                            "verdict ok → degraded"));
            assertThat(here.begin(RunRecord.local("b-next", "u", "mx", "b.example", t.plusSeconds(120)))
                    .finish(report("b.example", Verdict.Status.DEGRADED, t.plusSeconds(120),
                            FindingCode.MX_SINGLE_HOST), RunState.DONE))
                    .contains("new finding: MX_SINGLE_HOST on mx1.b.example")
                    .anySatisfy(c -> assertThat(c).startsWith("verdict ok → degraded"));
        }
    }

    @Test
    void twoProcessesOpeningANewHistoryAtOnce_bothOpenIt_andSeeEachOthersRuns() throws Exception {
        // Two stores opened together on a history neither has created yet (here in one process; CliSharedHistoryIT
        // runs two). SQLite refused the second migration about every other time (database is locked); eight rounds
        // make a regression all but certain to show.
        try (ExecutorService pool = Executors.newFixedThreadPool(2)) {
            for (int round = 0; round < 8; round++) {
                String url = newDatabase();
                java.util.concurrent.CyclicBarrier together = new java.util.concurrent.CyclicBarrier(2);
                List<Future<HistoryStore>> opening = new ArrayList<>();
                for (int i = 0; i < 2; i++) {
                    opening.add(pool.submit(() -> {
                        together.await();
                        return HistoryStore.open(url);
                    }));
                }
                try (HistoryStore one = opening.get(0).get(); HistoryStore other = opening.get(1).get()) {
                    Instant t = Instant.parse("2026-12-01T12:00:00Z").plusSeconds(round);
                    one.start(RunRecord.local("one" + round, "me", "mx", "example.com", t), OWNER);
                    one.finish("one" + round, report("example.com", Verdict.Status.OK, t), List.of(),
                            RunState.DONE);
                    assertThat(other.previous("mx", "example.com", t.plusSeconds(1))).as("round %d", round)
                            .hasValueSatisfying(p -> assertThat(p.started()).isEqualTo(t));
                }
            }
        }
    }

    static WatchRecord watch(String id, String channel, String user, Instant now) {
        return WatchRecord.create(id, Optional.empty(), channel, Optional.empty(), user, "mx example.com",
                Duration.ofMinutes(5), now, now.plus(Duration.ofHours(4)), false);
    }

    @Test
    void watches_areStoredProgressedStoppedAndListed() throws Exception {
        try (HistoryStore store = HistoryStore.open(newDatabase())) {
            Instant t = Instant.parse("2026-12-01T14:00:00Z");
            WatchRecord w = watch("w0000001", "C1", "U1", t);
            WatchStore.create(store, w, "bot-a", t.plusSeconds(30));
            WatchStore.create(store, watch("w0000002", "C2", "U2", t), "bot-a", t.plusSeconds(30));
            assertThat(WatchStore.find(store, "w0000001")).contains(w);
            WatchRecord progressed = w.withParent("1.5", "{\"text\":\"x\",\"blocks\":[]}").afterRun(t, "failing",
                    t.plus(Duration.ofMinutes(5)), Optional.of("{\"verdict\":{}}"), Optional.of("a gap"));
            assertThat(WatchStore.save(store, progressed, "bot-a")).isTrue();
            WatchRecord read = WatchStore.find(store, "w0000001").orElseThrow();
            assertThat(read).isEqualTo(progressed);
            assertThat(read.threadTs()).contains("1.5");
            assertThat(read.runs()).isEqualTo(1);
            assertThat(WatchStore.live(store, Optional.of("C1"), Optional.empty())).extracting(WatchRecord::id)
                    .containsExactly("w0000001");
            assertThat(WatchStore.live(store, Optional.empty(), Optional.of("U2"))).extracting(WatchRecord::id)
                    .containsExactly("w0000002");
            assertThat(WatchStore.requestStop(store, "w0000001", "U9")).hasValueSatisfying(s -> {
                assertThat(s.state()).isEqualTo(WatchRecord.State.STOPPING);
                assertThat(s.stoppedBy()).contains("U9");
            });
            assertThat(WatchStore.requestStop(store, "w0000001", "U9")).as("only once").isEmpty();
            assertThat(WatchStore.requestStop(store, "w9999999", "U9")).isEmpty();
            WatchRecord ended = WatchStore.find(store, "w0000001").orElseThrow().ended("stopped by U9");
            assertThat(WatchStore.save(store, ended, "bot-a")).isTrue();
            assertThat(WatchStore.save(store, ended, "bot-a")).as("an ended watch is final").isFalse();
            assertThat(WatchStore.live(store, Optional.empty(), Optional.empty())).extracting(WatchRecord::id)
                    .containsExactly("w0000002");
        }
    }

    @Test
    void watches_areHeldByOneBotAtATime_andTakenOverWhenItsHoldLapses() throws Exception {
        String url = newDatabase();
        try (HistoryStore a = HistoryStore.open(url); HistoryStore b = HistoryStore.open(url)) {
            Instant t = Instant.parse("2026-12-01T14:00:00Z");
            WatchStore.create(a, watch("w0000001", "C1", "U1", t), "bot-a", t.plusSeconds(30));
            WatchStore.release(a, "bot-a"); // as a clean stop leaves it: nobody holds it
            assertThat(WatchStore.claim(a, "bot-a", t, t.plusSeconds(30))).extracting(WatchRecord::id)
                    .containsExactly("w0000001");
            assertThat(WatchStore.claim(b, "bot-b", t.plusSeconds(10), t.plusSeconds(40))).isEmpty();
            // bot-a renews at 20 s; bot-b still cannot take it at 45 s
            assertThat(WatchStore.claim(a, "bot-a", t.plusSeconds(20), t.plusSeconds(50))).hasSize(1);
            assertThat(WatchStore.claim(b, "bot-b", t.plusSeconds(45), t.plusSeconds(75))).isEmpty();
            // bot-a stops renewing (killed): after its hold, bot-b has it, and bot-a's late writes are refused
            WatchRecord w = WatchStore.claim(b, "bot-b", t.plusSeconds(51), t.plusSeconds(81)).get(0);
            assertThat(WatchStore.save(a, w.afterRun(t, "ok", t, Optional.empty(), Optional.empty()), "bot-a"))
                    .isFalse();
            assertThat(WatchStore.save(b, w.afterRun(t, "ok", t, Optional.empty(), Optional.empty()), "bot-b"))
                    .isTrue();
            assertThat(WatchStore.claim(a, "bot-a", t.plusSeconds(52), t.plusSeconds(82))).isEmpty();
        }
    }

    @Test
    void watches_claimedByManyBotsAtOnce_eachHasOneHolder() throws Exception {
        String url = newDatabase();
        Instant t = Instant.parse("2026-12-01T14:00:00Z");
        try (HistoryStore setup = HistoryStore.open(url)) {
            for (int i = 0; i < 20; i++) {
                WatchStore.create(setup, watch(String.format("w%07d", i), "C1", "U1", t), "nobody", t);
            }
        }
        ExecutorService threads = Executors.newFixedThreadPool(4);
        try {
            List<Future<List<WatchRecord>>> claims = new ArrayList<>();
            for (int bot = 0; bot < 4; bot++) {
                String holder = "bot-" + bot;
                claims.add(threads.submit(() -> {
                    try (HistoryStore s = HistoryStore.open(url)) {
                        return WatchStore.claim(s, holder, t.plusSeconds(1), t.plusSeconds(31));
                    }
                }));
            }
            List<String> held = new ArrayList<>();
            for (Future<List<WatchRecord>> c : claims) {
                c.get().forEach(w -> held.add(w.id()));
            }
            assertThat(held).hasSize(20).doesNotHaveDuplicates();
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void purgeBefore_deletesEndedWatchesOnly() throws Exception {
        try (HistoryStore store = HistoryStore.open(newDatabase())) {
            Instant t = Instant.parse("2026-01-01T00:00:00Z");
            WatchStore.create(store, watch("w0000001", "C1", "U1", t), "bot-a", t);
            WatchStore.create(store, watch("w0000002", "C1", "U1", t), "bot-a", t);
            WatchStore.save(store, watch("w0000002", "C1", "U1", t).ended("its 4h are up"), "bot-a");
            store.purgeBefore(t.plus(Duration.ofDays(1)));
            assertThat(WatchStore.find(store, "w0000001")).isPresent();
            assertThat(WatchStore.find(store, "w0000002")).isEmpty();
        }
    }

    @Test
    void history_writtenByTheFirstVersion_isReadAndComparedAfterTheUpgrade() throws Exception {
        String url = newDatabase();
        // The schema and rows as the first version that recorded runs left them (V1 and V2, reports with
        // "host": null), then the current code opens it: migrated, read back, compared.
        org.flywaydb.core.Flyway.configure().dataSource(url, null, null).locations("classpath:db/migration")
                .target("2").load().migrate();
        List<java.nio.file.Path> fixtures;
        try (var files = java.nio.file.Files.list(java.nio.file.Path.of("src/test/resources/history"))) {
            fixtures = files.filter(f -> f.getFileName().toString().startsWith("v1-")).sorted().toList();
        }
        assertThat(fixtures).isNotEmpty();
        Instant t = Instant.parse("2026-11-20T10:00:00Z");
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(url);
                java.sql.PreparedStatement s = c.prepareStatement("INSERT INTO runs (id, requester, command, query, "
                        + "domain, started_ms, state, status, summary, changes, report) VALUES (?, 'me', ?, ?, ?, ?, "
                        + "'done', 'ok', 'old', '[]', ?)")) {
            for (int i = 0; i < fixtures.size(); i++) {
                String json = java.nio.file.Files.readString(fixtures.get(i));
                com.google.gson.JsonObject o = com.google.gson.JsonParser.parseString(json).getAsJsonObject();
                s.setString(1, "old" + i);
                s.setString(2, o.get("command").getAsString());
                s.setString(3, o.get("query").getAsString());
                s.setString(4, o.get("query").getAsString().replaceAll(".*@", ""));
                s.setLong(5, t.toEpochMilli());
                s.setString(6, json);
                s.executeUpdate();
            }
        }
        try (History history = History.open(url, java.time.Clock.systemUTC(), BUDGETS)) {
            for (int i = 0; i < fixtures.size(); i++) {
                java.nio.file.Path f = fixtures.get(i);
                com.google.gson.JsonObject o = com.google.gson.JsonParser.parseString(java.nio.file.Files.readString(f))
                        .getAsJsonObject();
                String command = o.get("command").getAsString();
                String query = o.get("query").getAsString();
                Instant now = t.plusSeconds(3600);
                History.Run r = history.begin(RunRecord.local("new" + i, "me", command, query, now));
                List<String> changes = r.finish(new Report(command, query, query, "127.0.2.53", now, 5,
                        new Verdict(Verdict.Status.OK, "fine now"), List.of(), List.of(), List.of(), List.of(),
                        List.of()), RunState.DONE);
                String before = o.getAsJsonObject("verdict").get("status").getAsString();
                if (!before.equals("ok")) {
                    assertThat(changes).as(f.toString()).contains("verdict " + before + " → ok (it was " + before
                            + " at 10:00)");
                }
            }
            assertThat(history.latest(Optional.empty(), Optional.empty(), 100)).hasSize(2 * fixtures.size());
        }
    }

    static final History.Budgets BUDGETS = new History.Budgets(Duration.ofSeconds(10), Duration.ofSeconds(10),
            Duration.ofSeconds(10), Duration.ofSeconds(10));

    /** A JDBC URL that cannot be used yet; {@link #makeAvailable()} makes it usable. */
    abstract String unavailableDatabase() throws Exception;

    abstract void makeAvailable() throws Exception;
}
