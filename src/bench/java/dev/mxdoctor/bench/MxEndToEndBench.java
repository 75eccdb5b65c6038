package dev.mxdoctor.bench;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.mxdoctor.check.MxCheck;
import dev.mxdoctor.check.Progress;
import dev.mxdoctor.check.Resolvers;
import dev.mxdoctor.command.CommandParser;
import dev.mxdoctor.command.Request;
import dev.mxdoctor.dns.CachingDnsClient;
import dev.mxdoctor.dns.UpstreamDnsClient;
import dev.mxdoctor.report.Report;
import dev.mxdoctor.testing.FakeDnsServer;
import dev.mxdoctor.testing.Zones;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * {@code mx} end to end, cold cache, for a domain with 5 MX hosts (A and AAAA each) against the test DNS server
 * with 20 ms added to every reply. The floor is two sequential round trips (MX, then all addresses in parallel):
 * 40 ms. Target: within 1.2 x of that. The name-server comparison runs alongside and is included.
 *
 * <p>Run: {@code scripts/bench MxEndToEndBench}
 */
public final class MxEndToEndBench {

    /** Test DNS servers listen on loopback and ephemeral ports. */
    private static final dev.mxdoctor.smtp.TargetPolicy LOOPBACK_DNS = new dev.mxdoctor.smtp.TargetPolicy(
            List.of(dev.mxdoctor.smtp.Cidr.parse("127.0.0.0/8")), p -> true);

    public static void main(String[] args) throws Exception {
        int latencyMs = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        int warmup = 100; // JIT warm-up runs, not counted: the bot is a long-running process
        String[] records = {
            "@ MX 10 mx1", "@ MX 20 mx2", "@ MX 30 mx3", "@ MX 40 mx4", "@ MX 50 mx5",
            "mx1 A 192.0.2.1", "mx2 A 192.0.2.2", "mx3 A 192.0.2.3", "mx4 A 192.0.2.4", "mx5 A 192.0.2.5",
            "mx1 AAAA 2001:db8::1", "mx2 AAAA 2001:db8::2", "mx3 AAAA 2001:db8::3", "mx4 AAAA 2001:db8::4",
            "mx5 AAAA 2001:db8::5",
        };
        Request.Mx request = (Request.Mx) new CommandParser().parse("mx five.test").request();
        try (FakeDnsServer server = FakeDnsServer.start(Zones.zone("five.test", records));
                ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            server.latency(Duration.ofMillis(latencyMs));
            List<Double> times = new ArrayList<>();
            Report last = null;
            for (int i = 0; i < runs + warmup; i++) {
                CachingDnsClient cold = new CachingDnsClient(
                        new UpstreamDnsClient(Duration.ofSeconds(2), 1, pool, System::nanoTime), 10_000,
                        Duration.ofDays(1), Duration.ofHours(3), Ticker.systemTicker(), pool);
                MxCheck check = new MxCheck(cold, new Resolvers(List.of(server.address()), LOOPBACK_DNS), server.port(),
                        java.util.Optional.empty(), pool,
                        Clock.systemUTC(), System::nanoTime);
                long start = System.nanoTime();
                last = check.run(request, Duration.ofSeconds(10), Progress.NONE);
                double ms = (System.nanoTime() - start) / 1e6;
                if (i >= warmup) {
                    times.add(ms);
                }
            }
            Collections.sort(times);
            double floor = 2.0 * latencyMs;
            double median = times.get(times.size() / 2);
            System.out.printf("mx five.test: %d runs, cold cache, %d ms per DNS reply, %d questions per run%n",
                    runs, latencyMs, last.dns().size());
            System.out.printf("verdict: %s, %d MX hosts%n", last.verdict().status(), last.mx().size());
            System.out.printf("min %.1f ms, median %.1f ms, p90 %.1f ms, max %.1f ms%n", times.get(0), median,
                    times.get((int) (times.size() * 0.9)), times.get(times.size() - 1));
            System.out.printf("floor (2 round trips) %.0f ms; median / floor = %.2f (target <= 1.20)%n", floor,
                    median / floor);
        }
    }
}
