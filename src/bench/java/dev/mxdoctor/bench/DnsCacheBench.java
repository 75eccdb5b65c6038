package dev.mxdoctor.bench;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.mxdoctor.dns.CachingDnsClient;
import dev.mxdoctor.dns.DnsQuery;
import dev.mxdoctor.dns.DnsResult;
import dev.mxdoctor.dns.ServerReply;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/**
 * Warm-cache look-up latency of {@link CachingDnsClient}: the cost of answering a question whose answer is cached,
 * with the key built in advance and with a new key per question (what a check does). Target: median under 5 µs.
 *
 * <p>Run: {@code scripts/bench DnsCacheBench} (JMH; sample mode prints p0.50, p0.99).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class DnsCacheBench {

    private static final InetSocketAddress SERVER = new InetSocketAddress("127.0.0.1", 53);
    private static final Name NAME = Name.fromConstantString("mx1.example.com.");

    private CachingDnsClient cache;
    private DnsQuery query;

    @Setup
    public void setUp() {
        cache = new CachingDnsClient(q -> {
            List<Record> records = List.of(new ARecord(q.name(), DClass.IN, 3600, new byte[] {(byte) 192, 0, 2, 1}));
            return CompletableFuture.completedFuture(new DnsResult.Answer(q, records,
                    new ServerReply(SERVER, Duration.ofMillis(1), false, false, false, records, List.of())));
        }, 10_000, Duration.ofDays(1), Duration.ofHours(3), Ticker.systemTicker(), Runnable::run);
        query = DnsQuery.recursive(List.of(SERVER), NAME, Type.A);
        cache.query(query).join();
    }

    @Benchmark
    public DnsResult warmHitPrebuiltKey() {
        return cache.query(query).join();
    }

    @Benchmark
    public DnsResult warmHitNewKey() {
        return cache.query(DnsQuery.recursive(List.of(SERVER), NAME, Type.A)).join();
    }
}
