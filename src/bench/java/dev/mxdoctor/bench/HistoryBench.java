package dev.mxdoctor.bench;

import dev.mxdoctor.diagnosis.Finding;
import dev.mxdoctor.diagnosis.FindingCode;
import dev.mxdoctor.diagnosis.Verdict;
import dev.mxdoctor.history.HistoryStore;
import dev.mxdoctor.history.RunRecord;
import dev.mxdoctor.history.RunState;
import dev.mxdoctor.report.Report;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The history with 100,000 stored runs (1,000 domains, 100 runs each): the time of {@code history <domain>} (the
 * latest 20 runs of one domain) and of {@code history --code}, on SQLite and on PostgreSQL; and the write
 * throughput of 50 runs recorded concurrently (start and finish each). Target: history under 20 ms.
 *
 * <p>Run: {@code scripts/bench HistoryBench [runs]}
 */
public final class HistoryBench {

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        String sqlite = "jdbc:sqlite:" + Files.createTempDirectory("history-bench").resolve("history.db");
        measure("SQLite", sqlite, runs);
        try (EmbeddedPostgres pg = EmbeddedPostgres.builder().start()) {
            measure("PostgreSQL", pg.getJdbcUrl("postgres", "postgres"), runs);
        }
    }

    private static void measure(String name, String url, int runs) throws Exception {
        Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
        long fill = System.nanoTime();
        try (HistoryStore store = HistoryStore.open(url)) {
            for (int i = 0; i < runs; i++) {
                String domain = "d" + (i % 1000) + ".example";
                Instant when = t0.plusSeconds(i);
                store.start(RunRecord.local("r" + i, "U" + (i % 50), "mx", domain, when), "bench/1/1");
                store.finish("r" + i, report(domain, when, i % 10 == 0), List.of(), RunState.DONE);
            }
            double fillSeconds = (System.nanoTime() - fill) / 1e9;
            List<Double> byDomain = new ArrayList<>();
            List<Double> byCode = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                long a = System.nanoTime();
                int n = store.latest(Optional.of("d" + (i * 7 % 1000) + ".example"), Optional.empty(), 20).size();
                byDomain.add((System.nanoTime() - a) / 1e6);
                long b = System.nanoTime();
                int m = store.latest(Optional.empty(), Optional.of("RELAY_DENIED"), 20).size();
                byCode.add((System.nanoTime() - b) / 1e6);
                if (n != 20 || m != 20) {
                    throw new IllegalStateException("unexpected result sizes " + n + ", " + m);
                }
            }
            System.out.printf("%s: %d runs stored in %.0f s%n", name, runs, fillSeconds);
            System.out.printf("  history <domain> --limit 20: %s%n", stats(byDomain));
            System.out.printf("  history --code RELAY_DENIED --limit 20: %s%n", stats(byCode));
        }
        // 50 runs at once, each from its own bot connection: start, then finish with its findings.
        List<HistoryStore> stores = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            stores.add(HistoryStore.open(url));
        }
        try (ExecutorService pool = Executors.newFixedThreadPool(50)) {
            long w = System.nanoTime();
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                HistoryStore s = stores.get(i);
                String id = "w" + i;
                Instant when = t0.plusSeconds(runs + i);
                done.add(pool.submit(() -> {
                    s.start(RunRecord.local(id, "U", "mx", "burst.example", when), "bench/1/1");
                    s.finish(id, report("burst.example", when, true), List.of(), RunState.DONE);
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
            double ms = (System.nanoTime() - w) / 1e6;
            System.out.printf("  50 concurrent runs recorded in %.0f ms (%.0f runs/s)%n", ms, 50 / (ms / 1000));
        } finally {
            stores.forEach(HistoryStore::close);
        }
    }

    private static Report report(String domain, Instant when, boolean relayDenied) {
        List<Finding> findings = new ArrayList<>();
        findings.add(Finding.of(FindingCode.MX_SINGLE_HOST, Finding.Stage.DNS, "mx1." + domain, "one host"));
        if (relayDenied) {
            findings.add(Finding.of(FindingCode.RELAY_DENIED, Finding.Stage.RCPT, "mx1." + domain, "denied"));
        }
        return new Report("mx", domain, domain, "192.0.2.53", when, 250, new Verdict(Verdict.Status.OK, "fine"),
                findings, List.of(new Report.MxEntry(10, "mx1." + domain, false, 300, List.of("192.0.2.10"),
                        List.of())), List.of(), List.of(), List.of());
    }

    private static String stats(List<Double> ms) {
        Collections.sort(ms);
        return String.format("p50 %.2f ms, p90 %.2f ms, p99 %.2f ms", ms.get(ms.size() / 2),
                ms.get((int) (ms.size() * 0.9)), ms.get((int) (ms.size() * 0.99)));
    }
}
