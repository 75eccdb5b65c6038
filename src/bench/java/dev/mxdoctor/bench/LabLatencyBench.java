package dev.mxdoctor.bench;

import dev.mxdoctor.Config;
import dev.mxdoctor.Engine;
import dev.mxdoctor.check.Progress;
import dev.mxdoctor.command.CommandParser;
import dev.mxdoctor.report.Report;
import dev.mxdoctor.testing.FakeDnsServer;
import dev.mxdoctor.testing.Zones;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * mxdoctor against the lab's real Postfix and Exim with 50 ms of latency each way, compared with its slowest single
 * host and with the sequential procedure a person follows (dig, then swaks to each MX host up to RCPT).
 *
 * <p>The issue asked for {@code tc netem} in a network namespace; this machine's kernel has no netem qdisc (and
 * no modules to load), so the latency comes from {@link LatencyProxy} relays in front of the lab's servers and from
 * the test DNS server's reply delay. DNS questions cost one round trip (100 ms), every SMTP exchange one round trip,
 * a connection one more. The dead primary is the lab's 127.0.2.8, whose SYNs an iptables rule drops.
 *
 * <p>Run (lab running, root for port 25): {@code scripts/bench LabLatencyBench [runs]}
 */
public final class LabLatencyBench {

    private static final Duration ONE_WAY = Duration.ofMillis(50);

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        Path ready = Path.of("lab/run/ready");
        if (!Files.exists(ready)) {
            System.err.println("the lab is not running: sudo lab/start");
            System.exit(2);
        }
        Map<String, String> lab = dev.mxdoctor.lab.Lab.ready();
        List<LatencyProxy> proxies = new ArrayList<>();
        String[][] relays = {{"127.0.4.10", "127.0.2.10"}, {"127.0.4.20", "127.0.2.20"},
            {"127.0.4.13", "127.0.2.13"}, {"127.0.4.14", "127.0.2.14"}};
        for (String[] r : relays) {
            proxies.add(new LatencyProxy(new InetSocketAddress(r[0], 25), new InetSocketAddress(r[1], 25), ONE_WAY));
        }
        try (FakeDnsServer dns = FakeDnsServer.start(
                Zones.zone("four.lab.test", "@ MX 10 a", "@ MX 20 b", "@ MX 30 c", "@ MX 40 d", "a A 127.0.4.10",
                        "b A 127.0.4.20", "c A 127.0.4.13", "d A 127.0.4.14"),
                Zones.zone("slowdead.lab.test", "@ MX 10 dead", "@ MX 20 ok", "dead A 127.0.2.8",
                        "ok A 127.0.4.10"))) {
            dns.latency(ONE_WAY.multipliedBy(2));
            Map<String, String> env = new HashMap<>(lab);
            env.put("MXDOCTOR_DNS", "127.0.0.1:" + dns.port());
            env.put("MXDOCTOR_NS_PORT", String.valueOf(dns.port()));
            env.put("MXDOCTOR_ALLOW_TARGETS", "127.0.0.0/8");
            env.put("MXDOCTOR_PING", "off");
            env.put("MXDOCTOR_SMTP_CONNECT_TIMEOUT", "5");
            Config config = Config.fromEnvironment(env);
            run(config, "mx four.lab.test"); // JIT warm-up
            run(config, "smtptest alice@four.lab.test");
            System.out.printf("lab behind %d ms of latency each way, median of %d runs%n", ONE_WAY.toMillis(), runs);
            System.out.printf("%-52s %9s %9s %9s%n", "", "wall ms", "/slowest", "/manual");
            for (String domain : List.of("four.lab.test", "slowdead.lab.test")) {
                // A single-host check names the host, so it pays for one address look-up too.
                List<String> hosts = domain.startsWith("four")
                        ? List.of("a.four.lab.test", "b.four.lab.test", "c.four.lab.test", "d.four.lab.test")
                        : List.of("dead.slowdead.lab.test", "ok.slowdead.lab.test");
                double slowest = 0;
                for (String h : hosts) {
                    slowest = Math.max(slowest, median(runs, () -> run(config, "smtptest alice@" + domain + " via "
                            + h)));
                }
                double manual = median(runs, () -> manual(dns.port(), domain));
                double mx = median(runs, () -> run(config, "mx " + domain));
                double st = median(runs, () -> run(config, "smtptest alice@" + domain));
                System.out.printf("%-52s %9.0f%n", domain + ": slowest single host (smtptest via)", slowest);
                System.out.printf("%-52s %9.0f %9.2f %9.2f%n", domain + ": mxdoctor mx", mx, mx / slowest,
                        mx / manual);
                System.out.printf("%-52s %9.0f %9.2f %9.2f%n", domain + ": mxdoctor smtptest", st, st / slowest,
                        st / manual);
                System.out.printf("%-52s %9.0f%n", domain + ": by hand: dig, then swaks to each host", manual);
            }
        } finally {
            for (LatencyProxy p : proxies) {
                p.close();
            }
        }
    }

    /** One in-process run with a cold DNS cache; the wall time in ms. */
    private static double run(Config config, String command) throws Exception {
        try (Engine engine = new Engine(config, Clock.systemUTC())) {
            long t0 = System.nanoTime();
            Report r = engine.run(new CommandParser().parse(command), Progress.NONE);
            if (r.verdict() == null) {
                throw new IllegalStateException();
            }
            return (System.nanoTime() - t0) / 1e6;
        }
    }

    /** What a person does by hand: dig MX, dig A for each host, then swaks to each host in turn up to RCPT. */
    private static double manual(int dnsPort, String domain) throws Exception {
        long t0 = System.nanoTime();
        String mx = exec("dig", "+short", "+time=5", "-p", String.valueOf(dnsPort), "@127.0.0.1", "MX", domain);
        List<String> hosts = mx.lines().map(l -> l.split(" ")[1]).toList();
        List<String> addresses = new ArrayList<>();
        for (String h : hosts) {
            addresses.add(exec("dig", "+short", "+time=5", "-p", String.valueOf(dnsPort), "@127.0.0.1", "A", h)
                    .strip());
        }
        for (String a : addresses) {
            exec("swaks", "--to", "alice@" + domain, "--server", a, "--quit-after", "RCPT", "--timeout", "5",
                    "--helo", "mxdoctor.lab.test", "--from", "probe@mxdoctor.lab.test");
        }
        return (System.nanoTime() - t0) / 1e6;
    }

    private static String exec(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        p.waitFor();
        return out;
    }

    private static double median(int runs, Callable<Double> task) throws Exception {
        List<Double> times = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            times.add(task.call());
        }
        Collections.sort(times);
        return times.get(times.size() / 2);
    }
}
