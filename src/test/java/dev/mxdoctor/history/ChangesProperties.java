package dev.mxdoctor.history;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mxdoctor.diagnosis.AddressProbe;
import dev.mxdoctor.diagnosis.Finding;
import dev.mxdoctor.diagnosis.FindingCode;
import dev.mxdoctor.diagnosis.Verdict;
import dev.mxdoctor.report.Report;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * "What changed" over generated reports: every finding code with and without host and address, absent optional
 * values, MX sets that grow, shrink and move, every probe outcome. Stored and read back through the real store.
 */
class ChangesProperties {

    private static Path dir;
    private static HistoryStore store;
    private static final AtomicInteger RUNS = new AtomicInteger();
    private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");

    @BeforeContainer
    static void openStore() throws Exception {
        dir = Files.createTempDirectory("changes-properties");
        store = HistoryStore.open("jdbc:sqlite:" + dir.resolve("history.db"));
    }

    @AfterContainer
    static void closeStore() throws Exception {
        store.close();
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Property(tries = 200)
    void between_isTheInverseTheOtherWayRound(@ForAll("reports") Report a, @ForAll("reports") Report b) {
        List<Change> ab = Changes.between(Snapshot.of(a), Snapshot.of(b));
        List<Change> ba = Changes.between(Snapshot.of(b), Snapshot.of(a));
        assertThat(new HashSet<>(ba)).isEqualTo(new HashSet<>(ab.stream().map(Change::inverse).toList()));
        assertThat(Changes.describe(ab, T0, T0.plusSeconds(60))).hasSize(ab.size())
                .allSatisfy(line -> assertThat(line).isNotBlank().doesNotContain("\n").doesNotContain("null"));
    }

    @Property(tries = 100)
    void sameReportTwice_changesNothing(@ForAll("reports") Report a) {
        assertThat(Changes.between(Snapshot.of(a), Snapshot.of(a))).isEmpty();
    }

    @Property(tries = 100)
    void storedAndReloaded_comparesLikeTheReportItself(@ForAll("reports") Report a, @ForAll("reports") Report b)
            throws Exception {
        String query = "q" + RUNS.incrementAndGet() + ".example";
        Instant started = T0.plusSeconds(RUNS.get());
        String id = "p" + RUNS.get();
        store.start(RunRecord.local(id, "me", "mx", query, started), "test/1/1");
        store.finish(id, a, List.of(), RunState.DONE);
        Snapshot reloaded = store.previous("mx", query, started.plusSeconds(1)).orElseThrow().snapshot();
        assertThat(reloaded).isEqualTo(Snapshot.of(a));
        assertThat(Changes.between(reloaded, Snapshot.of(b))).isEqualTo(Changes.between(Snapshot.of(a),
                Snapshot.of(b)));
    }

    @Provide
    Arbitrary<Report> reports() {
        Arbitrary<Verdict.Status> status = Arbitraries.of(Verdict.Status.class);
        Arbitrary<List<Finding>> findings = finding().list().ofMaxSize(6);
        Arbitrary<List<Report.MxEntry>> mx = mxEntry().list().ofMaxSize(4);
        return Combinators.combine(status, findings, mx).as((s, f, m) -> new Report("mx", "example.com",
                "example.com", "192.0.2.53", T0, 12, new Verdict(s, "summary"), f, m, List.of(), List.of(),
                List.of()));
    }

    private static Arbitrary<Finding> finding() {
        Arbitrary<FindingCode> code = Arbitraries.of(FindingCode.class);
        Arbitrary<String> host = Arbitraries.of("mx1.example.com", "mx2.example.com").injectNull(0.4);
        Arbitrary<String> address = Arbitraries.of("192.0.2.10", "2001:db8::25").injectNull(0.5);
        Arbitrary<String> evidence = Arbitraries.of("550 5.1.1 no such user", "").injectNull(0.5);
        return Combinators.combine(code, host, address, evidence).as((c, h, a, e) -> new Finding(c, c.severity(),
                c.title(), "detail", c.advice(), h, a, Finding.Stage.RCPT, e, c.refs()));
    }

    private static Arbitrary<Report.MxEntry> mxEntry() {
        Arbitrary<Integer> preference = Arbitraries.of(0, 10, 20);
        Arbitrary<String> host = Arbitraries.of("mx1.example.com", "mx2.example.com", "mx3.example.com");
        Arbitrary<List<String>> addresses = Arbitraries.of("192.0.2.10", "192.0.2.11", "2001:db8::25").set()
                .ofMaxSize(3).map(List::copyOf);
        Arbitrary<AddressProbe.Outcome> outcome = Arbitraries.of(AddressProbe.Outcome.class);
        return Combinators.combine(preference, host, addresses, outcome, Arbitraries.of(true, false))
                .as((p, h, a, o, probed) -> new Report.MxEntry(p, h, false, 300, a, probed
                        ? a.stream().map(x -> probe(h, x, o)).toList() : List.of()));
    }

    private static AddressProbe probe(String host, String address, AddressProbe.Outcome outcome) {
        return new AddressProbe(host, address, 25, outcome, Optional.empty(), Optional.empty(), OptionalLong.empty(),
                OptionalLong.empty(), Optional.empty(), Optional.empty(), false, Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty());
    }
}
