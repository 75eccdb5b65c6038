package dev.mxdoctor.bench;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.mxdoctor.dns.CachingDnsClient;
import dev.mxdoctor.dns.DnsQuery;
import dev.mxdoctor.dns.DnsResult;
import dev.mxdoctor.dns.UpstreamDnsClient;
import dev.mxdoctor.testing.FakeDnsServer;
import dev.mxdoctor.testing.Zones;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.xbill.DNS.Name;
import org.xbill.DNS.Type;

/**
 * Single flight over real UDP: 1,000 concurrent identical cold look-ups against the test DNS server with 20 ms of
 * latency. Prints how many questions reached the server and how long the burst took.
 *
 * <p>Run: {@code scripts/bench SingleFlightBench}
 */
public final class SingleFlightBench {

    public static void main(String[] args) throws Exception {
        int concurrent = 1000;
        try (FakeDnsServer server = FakeDnsServer.start(Zones.zone("example.test", "mx1 A 192.0.2.1"));
                ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            server.latency(Duration.ofMillis(20));
            System.out.printf("%-6s %10s %14s %12s%n", "round", "lookups", "server queries", "wall ms");
            for (int round = 1; round <= 5; round++) {
                CachingDnsClient cache = new CachingDnsClient(
                        new UpstreamDnsClient(Duration.ofSeconds(2), 1, pool, System::nanoTime), 10_000,
                        Duration.ofDays(1), Duration.ofHours(3), Ticker.systemTicker(), pool);
                server.clearQuestions();
                DnsQuery q = DnsQuery.recursive(List.of(server.address()),
                        Name.fromConstantString("mx1.example.test."), Type.A);
                CountDownLatch go = new CountDownLatch(1);
                List<CompletableFuture<DnsResult>> results = new ArrayList<>();
                List<java.util.concurrent.Future<CompletableFuture<DnsResult>>> asked = new ArrayList<>();
                for (int i = 0; i < concurrent; i++) {
                    asked.add(pool.submit(() -> {
                        go.await();
                        return cache.query(q);
                    }));
                }
                long start = System.nanoTime();
                go.countDown();
                for (var f : asked) {
                    results.add(f.get());
                }
                long answered = results.stream().map(CompletableFuture::join)
                        .filter(r -> r instanceof DnsResult.Answer).count();
                double wallMs = (System.nanoTime() - start) / 1e6;
                System.out.printf("%-6d %10d %14d %12.1f%n", round, answered, server.questions().size(), wallMs);
            }
        }
    }
}
