package dev.mxdoctor.dns;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.benmanes.caffeine.cache.Ticker;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Type;

class CachingDnsClientTest {

    private static final InetSocketAddress SERVER = new InetSocketAddress("127.0.0.1", 53);

    /** A ticker the test moves by hand, as Caffeine's own tests do. */
    static final class FakeTicker implements Ticker {
        private final AtomicLong nanos = new AtomicLong();

        @Override
        public long read() {
            return nanos.get();
        }

        void advance(Duration d) {
            nanos.addAndGet(d.toNanos());
        }
    }

    /** An upstream that counts questions and answers with whatever the test scripted. */
    static final class CountingUpstream implements DnsClient {
        final AtomicInteger calls = new AtomicInteger();
        volatile java.util.function.Function<DnsQuery, CompletableFuture<DnsResult>> answer;

        @Override
        public CompletableFuture<DnsResult> query(DnsQuery query) {
            calls.incrementAndGet();
            return answer.apply(query);
        }
    }

    private final FakeTicker ticker = new FakeTicker();
    private final CountingUpstream upstream = new CountingUpstream();
    private final CachingDnsClient cache = new CachingDnsClient(upstream, 100, Duration.ofDays(1),
            Duration.ofHours(3), ticker, Runnable::run);

    private static DnsQuery q(String name) {
        return DnsQuery.recursive(List.of(SERVER), Name.fromConstantString(name), Type.A);
    }

    private static ServerReply reply(List<Record> answers) {
        return new ServerReply(SERVER, Duration.ofMillis(3), false, false, false, answers, List.of());
    }

    private static DnsResult answer(DnsQuery q, long... ttls) {
        List<Record> records = new ArrayList<>();
        for (int i = 0; i < ttls.length; i++) {
            records.add(new ARecord(q.name(), DClass.IN, ttls[i], new byte[] {(byte) 192, 0, 2, (byte) (i + 1)}));
        }
        return new DnsResult.Answer(q, records, reply(records));
    }

    private static SOARecord soa(long ttl, long minimum) {
        Name zone = Name.fromConstantString("example.");
        return new SOARecord(zone, DClass.IN, ttl, Name.fromConstantString("ns.example."),
                Name.fromConstantString("hostmaster.example."), 1, 3600, 600, 86400, minimum);
    }

    private DnsResult get(DnsQuery q) {
        return cache.query(q).join();
    }

    @Test
    void query_answer_livesAsLongAsItsShortestTtl() {
        upstream.answer = q -> CompletableFuture.completedFuture(answer(q, 300, 60));
        DnsQuery q = q("a.example.");
        get(q);
        ticker.advance(Duration.ofSeconds(59));
        get(q);
        assertThat(upstream.calls).hasValue(1);
        ticker.advance(Duration.ofSeconds(1));
        get(q);
        assertThat(upstream.calls).hasValue(2);
        assertThat(cache.stats().hitCount()).isEqualTo(1);
        assertThat(cache.stats().missCount()).isEqualTo(2);
    }

    @Test
    void query_zeroTtl_isNotCached() {
        upstream.answer = q -> CompletableFuture.completedFuture(answer(q, 0));
        get(q("zero.example."));
        get(q("zero.example."));
        assertThat(upstream.calls).hasValue(2);
    }

    @Test
    void query_negativeAnswer_livesForTheSmallerOfSoaTtlAndMinimum() {
        upstream.answer = q -> CompletableFuture.completedFuture(
                new DnsResult.NxDomain(q, Optional.of(soa(900, 120)), reply(List.of())));
        DnsQuery q = q("nx.example.");
        get(q);
        ticker.advance(Duration.ofSeconds(119));
        get(q);
        assertThat(upstream.calls).hasValue(1);
        ticker.advance(Duration.ofSeconds(1));
        get(q);
        assertThat(upstream.calls).hasValue(2);
    }

    @Test
    void query_negativeAnswerWithHugeSoa_isCappedAtThreeHours() {
        upstream.answer = q -> CompletableFuture.completedFuture(
                new DnsResult.NoData(q, Optional.of(soa(86400, 86400)), reply(List.of())));
        DnsQuery q = q("nodata.example.");
        get(q);
        ticker.advance(Duration.ofHours(3).minusSeconds(1));
        get(q);
        assertThat(upstream.calls).hasValue(1);
        ticker.advance(Duration.ofSeconds(1));
        get(q);
        assertThat(upstream.calls).hasValue(2);
    }

    @Test
    void query_negativeAnswerWithoutSoa_isNotCached() {
        upstream.answer = q -> CompletableFuture.completedFuture(
                new DnsResult.NoData(q, Optional.empty(), reply(List.of())));
        get(q("nosoa.example."));
        get(q("nosoa.example."));
        assertThat(upstream.calls).hasValue(2);
    }

    @Test
    void query_failures_areNotCached() {
        upstream.answer = q -> CompletableFuture.completedFuture(new DnsResult.ServFail(q, reply(List.of())));
        get(q("sf.example."));
        upstream.answer = q -> CompletableFuture.completedFuture(new DnsResult.TimedOut(q, Duration.ofSeconds(2), 2));
        get(q("sf.example."));
        get(q("sf.example."));
        assertThat(upstream.calls).hasValue(3);
    }

    @Test
    void query_differentResolverTypeOrClass_areDifferentEntries() {
        upstream.answer = q -> CompletableFuture.completedFuture(answer(q, 300));
        Name n = Name.fromConstantString("k.example.");
        get(DnsQuery.recursive(List.of(SERVER), n, Type.A));
        get(DnsQuery.recursive(List.of(new InetSocketAddress("127.0.0.2", 53)), n, Type.A));
        get(DnsQuery.recursive(List.of(SERVER), n, Type.AAAA));
        get(new DnsQuery(List.of(SERVER), n, Type.A, DClass.CH, true));
        get(DnsQuery.recursive(List.of(SERVER), n, Type.A));
        assertThat(upstream.calls).hasValue(4);
    }

    @Test
    void query_answerTtlAboveOneDay_isCappedAtOneDay() {
        upstream.answer = q -> CompletableFuture.completedFuture(answer(q, 7 * 86400));
        get(q("long.example."));
        ticker.advance(Duration.ofDays(1));
        get(q("long.example."));
        assertThat(upstream.calls).hasValue(2);
    }

    @Test
    void query_manyNames_staysWithinTheSizeBound() {
        upstream.answer = q -> CompletableFuture.completedFuture(answer(q, 3600));
        for (int i = 0; i < 1000; i++) {
            get(q("n" + i + ".example."));
        }
        cache.cleanUp();
        assertThat(cache.size()).isLessThanOrEqualTo(100);
    }

    @Test
    void refresh_asksUpstreamAndServesTheNewAnswerAfterwards() {
        upstream.answer = q -> CompletableFuture.completedFuture(answer(q, 300));
        DnsQuery q = q("fresh.example.");
        get(q);
        cache.bypassing().query(q).join();
        assertThat(upstream.calls).hasValue(2);
        get(q);
        assertThat(upstream.calls).hasValue(2);
    }

    @Test
    void query_thousandConcurrentColdLookups_causeExactlyOneUpstreamQuery() throws Exception {
        CompletableFuture<DnsResult> pending = new CompletableFuture<>();
        upstream.answer = q -> pending;
        DnsQuery q = q("burst.example.");
        int n = 1000;
        CountDownLatch ready = new CountDownLatch(n);
        CountDownLatch go = new CountDownLatch(1);
        List<CompletableFuture<DnsResult>> results = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<java.util.concurrent.Future<CompletableFuture<DnsResult>>> asked = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                asked.add(pool.submit(() -> {
                    ready.countDown();
                    go.await();
                    return cache.query(q);
                }));
            }
            ready.await();
            go.countDown();
            for (var f : asked) {
                results.add(f.get());
            }
        }
        DnsResult result = answer(q, 300);
        pending.complete(result);
        assertThat(upstream.calls).hasValue(1);
        assertThat(results).allSatisfy(f -> assertThat(f.join()).isSameAs(result));
    }
}
