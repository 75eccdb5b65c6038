package dev.mxdoctor.check;

import dev.mxdoctor.dns.DnsClient;
import dev.mxdoctor.dns.DnsQuery;
import dev.mxdoctor.dns.DnsResult;
import dev.mxdoctor.report.Report.DnsExchange;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;

/**
 * A run's view of the DNS client: records every question with when it was asked, who answered and how fast, for
 * the report; and waits for answers within the run's deadline.
 */
final class DnsTrace implements DnsClient {

    private final DnsClient inner;
    private final LongSupplier nanoTime;
    private final long runStart;
    private final List<DnsExchange> exchanges = new ArrayList<>();

    DnsTrace(DnsClient inner, LongSupplier nanoTime, long runStart) {
        this.inner = inner;
        this.nanoTime = nanoTime;
        this.runStart = runStart;
    }

    @Override
    public CompletableFuture<DnsResult> query(DnsQuery query) {
        long askedAt = nanoTime.getAsLong();
        return inner.query(query).whenComplete((result, error) -> {
            if (result != null) {
                record(askedAt, result);
            }
        });
    }

    private void record(long askedAt, DnsResult result) {
        long atMs = (askedAt - runStart) / 1_000_000;
        DnsExchange x = result.reply()
                .map(r -> new DnsExchange(atMs, result.query().describe(), result.status(), r.serverName(),
                        r.rtt().toMillis(), r.tcp(), r.authoritative(), r.authenticated(),
                        r.answerSection().size()))
                .orElseGet(() -> new DnsExchange(atMs, result.query().describe(), result.status(), "",
                        (nanoTime.getAsLong() - askedAt) / 1_000_000, false, false, false, 0));
        synchronized (exchanges) {
            exchanges.add(x);
        }
    }

    /** Waits for a result until the deadline; past it, the question counts as timed out. */
    DnsResult await(CompletableFuture<DnsResult> future, DnsQuery query, Deadline deadline) {
        try {
            return future.get(deadline.remaining().toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            return new DnsResult.TimedOut(query, java.time.Duration.ZERO, 0);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new DnsResult.TimedOut(query, java.time.Duration.ZERO, 0);
        } catch (ExecutionException e) {
            return new DnsResult.Failed(query, String.valueOf(e.getCause()), java.util.Optional.empty());
        }
    }

    /** Asks and waits. */
    DnsResult ask(DnsQuery query, Deadline deadline) {
        return await(query(query), query, deadline);
    }

    /** The exchanges so far, in the order they were asked. */
    List<DnsExchange> exchanges() {
        synchronized (exchanges) {
            return exchanges.stream().sorted(Comparator.comparingLong(DnsExchange::atMs)).toList();
        }
    }
}
