package dev.mxdoctor.bench;

import dev.mxdoctor.Config;
import dev.mxdoctor.Engine;
import dev.mxdoctor.check.Progress;
import dev.mxdoctor.command.CommandParser;
import dev.mxdoctor.command.Invocation;
import dev.mxdoctor.report.Report;
import dev.mxdoctor.testing.FakeDnsServer;
import dev.mxdoctor.testing.FakeSmtpServer;
import dev.mxdoctor.testing.Zones;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Many people at once, through the engine: {@code checks} concurrent {@code mx} checks over {@code domains}
 * distinct domains (so each domain is asked several times at once), against in-process fake DNS and SMTP servers
 * that each answer after {@code latency}. Prints whether every check was answered, p50/p99 latency against a single
 * check at the same latency, peak heap, peak RSS, live threads, and the most connections any one address saw.
 *
 * <p>Run: {@code scripts/bench LoadBench [checks] [domains] [latencyMs]} (defaults 500, 100, 200).
 */
public final class LoadBench {

    public static void main(String[] args) throws Exception {
        int checks = args.length > 0 ? Integer.parseInt(args[0]) : 500;
        int domains = args.length > 1 ? Integer.parseInt(args[1]) : 100;
        int latencyMs = args.length > 2 ? Integer.parseInt(args[2]) : 200;
        String[] addresses = new String[domains];
        String[] zones = new String[domains];
        for (int i = 0; i < domains; i++) {
            addresses[i] = "127.0.4." + (i + 1);
            zones[i] = Zones.zone("d" + i + ".load.test", "@ MX 10 mx", "mx A " + addresses[i]);
        }
        List<FakeSmtpServer> servers = FakeSmtpServer.onSamePort(addresses);
        servers.forEach(s -> s.greetingDelay(Duration.ofMillis(latencyMs)));
        try (FakeDnsServer dns = FakeDnsServer.start(zones);
                ExecutorService people = Executors.newVirtualThreadPerTaskExecutor()) {
            dns.latency(Duration.ofMillis(latencyMs));
            Map<String, String> env = Map.of("MXDOCTOR_DNS", "127.0.0.1:" + dns.port(), "MXDOCTOR_NS_PORT",
                    String.valueOf(dns.port()), "MXDOCTOR_SMTP_PORT", String.valueOf(servers.get(0).port()),
                    "MXDOCTOR_ALLOW_TARGETS", "127.0.0.0/8", "MXDOCTOR_PING", "off", "MXDOCTOR_HELO", "mxdoctor.test");
            CommandParser parser = new CommandParser();
            double single;
            try (Engine engine = new Engine(Config.fromEnvironment(env), Clock.systemUTC())) {
                engine.run(parser.parse("mx d0.load.test"), Progress.NONE); // JIT and TLS warm-up, not counted
                long t0 = System.nanoTime();
                engine.run(parser.parse("mx d1.load.test --fresh"), Progress.NONE);
                single = (System.nanoTime() - t0) / 1e6;
            }
            AtomicLong peakHeap = new AtomicLong();
            AtomicLong peakThreads = new AtomicLong();
            List<Double> times = Collections.synchronizedList(new ArrayList<>());
            List<CompletableFuture<Report>> all = new ArrayList<>();
            long start = System.nanoTime();
            try (Engine engine = new Engine(Config.fromEnvironment(env), Clock.systemUTC())) {
                for (int i = 0; i < checks; i++) {
                    Invocation inv = parser.parse("mx d" + (i % domains) + ".load.test");
                    all.add(CompletableFuture.supplyAsync(() -> {
                        long t = System.nanoTime();
                        Report r = engine.run(inv, Progress.NONE);
                        times.add((System.nanoTime() - t) / 1e6);
                        peakHeap.accumulateAndGet(usedHeap(), Math::max);
                        peakThreads.accumulateAndGet(ManagementFactory.getThreadMXBean().getThreadCount(), Math::max);
                        return r;
                    }, people));
                }
                CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(10, TimeUnit.MINUTES);
            }
            double wall = (System.nanoTime() - start) / 1e6;
            long answered = all.stream().map(CompletableFuture::join).filter(r -> !r.mx().isEmpty()
                    && r.mx().get(0).probes().stream().allMatch(p -> p.outcome().label().equals("ok"))).count();
            List<Double> sorted = new ArrayList<>(times);
            Collections.sort(sorted);
            double p50 = sorted.get(sorted.size() / 2);
            double p99 = sorted.get((int) Math.ceil(sorted.size() * 0.99) - 1);
            int maxPerAddress = servers.stream().mapToInt(FakeSmtpServer::maxOpen).max().orElse(0);
            System.out.printf("%d mx checks over %d domains, %d ms per DNS reply and per SMTP greeting%n", checks,
                    domains, latencyMs);
            System.out.printf("answered with every address ok: %d of %d; wall %.0f ms%n", answered, checks, wall);
            System.out.printf("single check %.0f ms; p50 %.0f ms, p99 %.0f ms = %.2f x single (target <= 2 x)%n",
                    single, p50, p99, p99 / single);
            System.out.printf("peak heap used %.0f MB; peak RSS %s; peak live platform threads %d%n",
                    peakHeap.get() / 1048576.0, peakRss(), peakThreads.get());
            System.out.printf("most connections one address saw at once: %d (cap %s)%n", maxPerAddress,
                    "MXDOCTOR_CONNECTIONS_PER_ADDRESS = 2; the server counts its end, which closes a moment later");
        } finally {
            servers.forEach(FakeSmtpServer::close);
        }
    }

    private static long usedHeap() {
        Runtime rt = Runtime.getRuntime();
        return rt.totalMemory() - rt.freeMemory();
    }

    private static String peakRss() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmHWM:")) {
                return line.substring("VmHWM:".length()).strip();
            }
        }
        return "unknown";
    }
}
