package dev.mxdoctor.bench;

import dev.mxdoctor.Config;
import dev.mxdoctor.Engine;
import dev.mxdoctor.check.Progress;
import dev.mxdoctor.command.CommandParser;
import dev.mxdoctor.command.Invocation;
import dev.mxdoctor.report.Report;
import dev.mxdoctor.testing.FakeDnsServer;
import dev.mxdoctor.testing.FakeSmtpServer;
import dev.mxdoctor.testing.HarnessCpu;
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
 * check at the same latency, peak heap, peak RSS, live threads, the most connections any one address saw, and where
 * the CPU went (the harness, the JIT, the collector, mxdoctor). The measured round follows the same load
 * {@link #WARM_UP_ROUNDS} times, unmeasured, on other domains: the bot is a long-running process, and the JIT is warm
 * when an incident comes.
 *
 * <p>With {@code slack} as the fourth argument, the same checks are driven through the Slack face instead: signed
 * slash commands over HTTP to the real Bolt app (the bot sized for them: {@code MXDOCTOR_MAX_RUNS} = checks), each
 * timed from sending the command to its answer reaching the fake Slack. With {@code LOAD_NO_HISTORY} set in the
 * environment the bot keeps no history (to tell the database's share of the time).
 *
 * <p>Run: {@code scripts/bench LoadBench [checks] [domains] [latencyMs] [engine|slack]} (defaults 500, 100, 200,
 * engine).
 */
public final class LoadBench {

    /**
     * Unmeasured rounds of the whole load before the measured one (JIT warm-up): the bot is a long-running process.
     * After three rounds the compilers still took a third of the measured round's CPU (C2 compiling methods that
     * had not reached its thresholds yet); after ten, less (docs/benchmarks.md).
     */
    static final int WARM_UP_ROUNDS = 10;

    /**
     * Single checks measured one after another (each bypassing the DNS cache, as the load's first ones find it empty);
     * their median is the "single check" the load is held against, steadier than one run's time.
     */
    static final int SINGLES = 5;

    static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }

    public static void main(String[] args) throws Exception {
        int checks = args.length > 0 ? Integer.parseInt(args[0]) : 500;
        int domains = args.length > 1 ? Integer.parseInt(args[1]) : 100;
        int latencyMs = args.length > 2 ? Integer.parseInt(args[2]) : 200;
        boolean slack = args.length > 3 && args[3].equals("slack");
        String[] addresses = new String[domains];
        // d<i>.load.test for the measured round, w<i>.load.test for the warm-up round (at the same servers), so that
        // the measured round finds nothing of its own in the DNS cache.
        String[] zones = new String[2 * domains];
        for (int i = 0; i < domains; i++) {
            addresses[i] = "127.0.4." + (i + 1);
            zones[i] = Zones.zone("d" + i + ".load.test", "@ MX 10 mx", "mx A " + addresses[i]);
            zones[domains + i] = Zones.zone("w" + i + ".load.test", "@ MX 10 mx", "mx A " + addresses[i]);
        }
        List<FakeSmtpServer> servers = FakeSmtpServer.onSamePort(addresses);
        servers.forEach(s -> s.greetingDelay(Duration.ofMillis(latencyMs)));
        try (FakeDnsServer dns = FakeDnsServer.start(zones);
                ExecutorService people = Executors.newVirtualThreadPerTaskExecutor()) {
            dns.latency(Duration.ofMillis(latencyMs));
            Map<String, String> env = Map.of("MXDOCTOR_DNS", "127.0.0.1:" + dns.port(), "MXDOCTOR_NS_PORT",
                    String.valueOf(dns.port()), "MXDOCTOR_SMTP_PORT", String.valueOf(servers.get(0).port()),
                    "MXDOCTOR_ALLOW_TARGETS", "127.0.0.0/8", "MXDOCTOR_PING", "off", "MXDOCTOR_HELO", "mxdoctor.test");
            if (slack) {
                throughSlack(env, checks, domains, latencyMs, servers);
                return;
            }
            CommandParser parser = new CommandParser();
            warmUp(env, parser, checks, domains, people);
            List<Double> singles = new ArrayList<>();
            try (Engine engine = new Engine(Config.fromEnvironment(env), Clock.systemUTC())) {
                engine.run(parser.parse("mx d0.load.test"), Progress.NONE); // JIT and TLS warm-up, not counted
                for (int i = 0; i < SINGLES; i++) {
                    long t0 = System.nanoTime();
                    engine.run(parser.parse("mx d1.load.test --fresh"), Progress.NONE);
                    singles.add((System.nanoTime() - t0) / 1e6);
                }
            }
            double single = median(singles);
            AtomicLong peakHeap = new AtomicLong();
            AtomicLong peakThreads = new AtomicLong();
            List<Double> times = Collections.synchronizedList(new ArrayList<>());
            List<CompletableFuture<Report>> all = new ArrayList<>();
            HarnessCpu.Split cpu = HarnessCpu.Split.now();
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
            String cpuLine = cpu.since(checks, "check");
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
            System.out.printf("single check (median of %d) %.0f ms; p50 %.0f ms, p99 %.0f ms = %.2f x single "
                    + "(target <= 2 x)%n", SINGLES, single, p50, p99, p99 / single);
            System.out.printf("peak heap used %.0f MB (of at most %d MB); peak RSS %s; peak live platform threads %d%n",
                    peakHeap.get() / 1048576.0, Runtime.getRuntime().maxMemory() / 1048576, peakRss(),
                    peakThreads.get());
            System.out.printf("most connections one address saw at once: %d (cap %s)%n", maxPerAddress,
                    "MXDOCTOR_CONNECTIONS_PER_ADDRESS = 2; counted by the server from accepting a connection to "
                    + "answering its QUIT");
            System.out.println(cpuLine);
        } finally {
            servers.forEach(FakeSmtpServer::close);
        }
    }

    /**
     * The same load {@link #WARM_UP_ROUNDS} times, unmeasured, on the warm-up domains and an engine of its own.
     * mxdoctor's bot is a long-running process whose hot code was compiled long before an incident brings fifty
     * people; measured right after start, the JIT compilers took a third of the CPU the load had (printed by
     * {@link HarnessCpu.Split}), and still a quarter after one round.
     */
    private static void warmUp(Map<String, String> env, CommandParser parser, int checks, int domains,
            ExecutorService people) throws Exception {
        for (int round = 0; round < WARM_UP_ROUNDS; round++) {
            try (Engine engine = new Engine(Config.fromEnvironment(env), Clock.systemUTC())) {
                List<CompletableFuture<Report>> all = new ArrayList<>();
                for (int i = 0; i < checks; i++) {
                    Invocation inv = parser.parse("mx w" + (i % domains) + ".load.test");
                    all.add(CompletableFuture.supplyAsync(() -> engine.run(inv, Progress.NONE), people));
                }
                CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(10, TimeUnit.MINUTES);
            }
        }
    }

    /** The same load as signed slash commands to the bot in HTTP mode; each timed until its answer is posted. */
    private static void throughSlack(Map<String, String> env, int checks, int domains, int latencyMs,
            List<FakeSmtpServer> servers) throws Exception {
        String secret = "load-secret";
        dev.mxdoctor.slack.SlackBot.configureHttpServer();
        Path dir = Files.createTempDirectory("load");
        try (dev.mxdoctor.testing.FakeSlack fake = new dev.mxdoctor.testing.FakeSlack();
                dev.mxdoctor.history.History history = System.getenv("LOAD_NO_HISTORY") != null
                        ? dev.mxdoctor.history.History.disabled(Clock.systemUTC())
                        : dev.mxdoctor.history.History.open("jdbc:sqlite:" + dir.resolve("history.db"),
                                Clock.systemUTC(), dev.mxdoctor.history.History.Budgets.DEFAULT);
                Engine engine = new Engine(Config.fromEnvironment(env), Clock.systemUTC());
                dev.mxdoctor.slack.SlackBot bot = new dev.mxdoctor.slack.SlackBot(
                        dev.mxdoctor.slack.SlackSettings.fromEnvironment(Map.of("SLACK_BOT_TOKEN", "xoxb-load",
                                "SLACK_SIGNING_SECRET", secret, "SLACK_API_URL", fake.apiUrl(), "MXDOCTOR_HTTP_PORT",
                                "0", "MXDOCTOR_SLACK_POST_INTERVAL_MS", "0", "MXDOCTOR_MAX_RUNS",
                                String.valueOf(checks), "MXDOCTOR_MAX_RUNS_PER_USER", "1000", "MXDOCTOR_MAX_QUEUED",
                                "10000", "MXDOCTOR_RATE_PER_USER", "100000", "MXDOCTOR_RATE_PER_CHANNEL", "100000")),
                        engine::run, history, new dev.mxdoctor.ops.Metrics());
                // Platform threads: Slack's servers are not in the bot's scheduler (see SlackBurstBench).
                ExecutorService senders = Executors.newThreadPerTaskExecutor(Thread.ofPlatform().daemon().factory())) {
            bot.start(Duration.ofDays(1));
            java.net.URI uri = java.net.URI.create("http://127.0.0.1:" + bot.httpPort() + "/slack/events");
            // Warm-up (JIT, TLS, Bolt's first auth.test); the single commands of the target come after the rounds below.
            send(uri, fake, secret, "warm", "d0.load.test", senders, new java.util.HashMap<>()).get();
            awaitAnswers(fake, "Cwarm", 1);
            // The whole load, unmeasured, on the warm-up domains (see warmUp).
            for (int round = 0; round < WARM_UP_ROUNDS; round++) {
                for (int i = 0; i < checks; i++) {
                    send(uri, fake, secret, "w" + round + "x" + i, "w" + (i % domains) + ".load.test", senders,
                            new java.util.HashMap<>());
                }
                String channels = "Cw" + round + "x\\d+";
                fake.await(calls -> calls.stream().filter(c -> isAnswer(c)
                        && String.valueOf(c.param("channel")).matches(channels)).count() >= checks,
                        Duration.ofMinutes(5), checks + " warm-up answers");
            }
            history.awaitWrites(Duration.ofMinutes(1));
            List<Double> singles = new ArrayList<>();
            for (int i = 0; i < SINGLES; i++) {
                long t0 = System.nanoTime();
                send(uri, fake, secret, "single" + i, "d1.load.test --fresh", senders, new java.util.HashMap<>())
                        .get();
                awaitAnswers(fake, "Csingle" + i, 1);
                singles.add((answeredAt(fake, "Csingle" + i) - t0) / 1e6);
            }
            double single = median(singles);

            AtomicLong peakHeap = new AtomicLong();
            AtomicLong peakThreads = new AtomicLong();
            Thread sampler = Thread.ofPlatform().daemon().start(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    peakHeap.accumulateAndGet(usedHeap(), Math::max);
                    peakThreads.accumulateAndGet(ManagementFactory.getThreadMXBean().getThreadCount(), Math::max);
                    try {
                        Thread.sleep(20); // a sampling period
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            // Answers are noted as the fake Slack receives them (O(1) a call): scanning every call so far on each new
            // one, under the fake's lock, held up the bot's own calls and measured the harness.
            Map<String, Long> firstAt = new java.util.concurrent.ConcurrentHashMap<>();
            Map<String, Long> answerAt = new java.util.concurrent.ConcurrentHashMap<>();
            java.util.concurrent.CountDownLatch answered = new java.util.concurrent.CountDownLatch(checks);
            fake.onCall(c -> {
                String channel = c.param("channel");
                if (channel == null || !channel.matches("C\\d+")) {
                    return;
                }
                if (c.method().equals("chat.postMessage")) {
                    firstAt.putIfAbsent(channel, c.atNanos());
                }
                if (isAnswer(c) && answerAt.putIfAbsent(channel, c.atNanos()) == null) {
                    answered.countDown();
                }
            });
            long[] sentAt = new long[checks];
            Map<String, Long> ackedAt = new java.util.concurrent.ConcurrentHashMap<>();
            List<java.util.concurrent.Future<Integer>> acks = new ArrayList<>();
            HarnessCpu.Split cpu = HarnessCpu.Split.now();
            long start = System.nanoTime();
            jdk.jfr.Recording profile = profile(); // LOAD_PROFILE: this round only
            for (int i = 0; i < checks; i++) {
                sentAt[i] = System.nanoTime();
                acks.add(send(uri, fake, secret, String.valueOf(i), "d" + (i % domains) + ".load.test", senders,
                        ackedAt));
            }
            int ok = 0;
            List<Double> ackMs = new ArrayList<>();
            for (int i = 0; i < checks; i++) {
                ok += acks.get(i).get() == 200 ? 1 : 0;
                ackMs.add((ackedAt.get(String.valueOf(i)) - sentAt[i]) / 1e6);
            }
            Collections.sort(ackMs);
            if (!answered.await(5, java.util.concurrent.TimeUnit.MINUTES)) {
                throw new AssertionError(answered.getCount() + " commands not answered");
            }
            double wall = (System.nanoTime() - start) / 1e6;
            String cpuLine = cpu.since(checks, "command");
            if (profile != null) {
                profile.stop();
                System.out.println("profile of the measured round: " + profile.getDestination());
            }
            sampler.interrupt();
            List<Double> sorted = new ArrayList<>();
            long shared = 0;
            for (int i = 0; i < checks; i++) {
                sorted.add((answerAt.get("C" + i) - sentAt[i]) / 1e6);
            }
            for (var c : fake.calls()) {
                if (isAnswer(c) && String.valueOf(c.param("channel")).matches("C\\d+")
                        && String.valueOf(c.param("blocks")).contains("one run answered")) {
                    shared++;
                }
            }
            Collections.sort(sorted);
            double p50 = sorted.get(sorted.size() / 2);
            double p99 = sorted.get((int) Math.ceil(sorted.size() * 0.99) - 1);
            // Where the time goes: until the run's first message, and from there to the answer.
            List<Double> toFirst = new ArrayList<>();
            List<Double> toAnswer = new ArrayList<>();
            for (int i = 0; i < checks; i++) {
                String channel = "C" + i;
                long first = firstAt.getOrDefault(channel, sentAt[i]);
                toFirst.add((first - sentAt[i]) / 1e6);
                toAnswer.add((answerAt.get(channel) - first) / 1e6);
            }
            Collections.sort(toFirst);
            Collections.sort(toAnswer);
            System.out.printf("acks: p50 %.0f ms, p99 %.0f ms; ", ackMs.get(checks / 2), ackMs.get(checks * 99 / 100));
            System.out.printf("until the first message: p50 %.0f ms, p99 %.0f ms; from it to the answer: p50 %.0f ms, "
                    + "p99 %.0f ms%n", toFirst.get(checks / 2), toFirst.get(checks * 99 / 100),
                    toAnswer.get(checks / 2), toAnswer.get(checks * 99 / 100));
            Map<String, Long> perMethod = new java.util.TreeMap<>();
            fake.calls().forEach(c -> perMethod.merge(c.method(), 1L, Long::sum));
            System.out.printf("Web API calls the fake Slack answered (warm-up and single included): %s%n", perMethod);
            int maxPerAddress = servers.stream().mapToInt(FakeSmtpServer::maxOpen).max().orElse(0);
            System.out.printf("%d mx commands over %d domains through Slack (signed HTTP), %d ms per DNS reply and "
                    + "SMTP greeting%n", checks, domains, latencyMs);
            System.out.printf("acks: %d x HTTP 200; answered: %d of %d (%d of them shared a run in flight); wall %.0f "
                    + "ms%n", ok, checks, checks, shared, wall);
            System.out.printf("single command (median of %d) %.0f ms; p50 %.0f ms, p99 %.0f ms = %.2f x single "
                    + "(target <= 2 x)%n", SINGLES, single, p50, p99, p99 / single);
            System.out.printf("peak heap used %.0f MB (of at most %d MB); peak RSS %s; peak live platform threads %d%n",
                    peakHeap.get() / 1048576.0, Runtime.getRuntime().maxMemory() / 1048576, peakRss(),
                    peakThreads.get());
            System.out.printf("most connections one address saw at once: %d (cap 2)%n", maxPerAddress);
            System.out.println(cpuLine);
        }
    }

    private static java.util.concurrent.Future<Integer> send(java.net.URI uri, dev.mxdoctor.testing.FakeSlack fake,
            String secret, String tag, String domain, ExecutorService senders, Map<String, Long> ackedAt) {
        String body = "command=%2Fmx&text=" + java.net.URLEncoder.encode(domain,
                java.nio.charset.StandardCharsets.UTF_8) + "&user_id=U" + tag + "&channel_id=C" + tag
                + "&team_id=T0FAKE&api_app_id=A0FAKE&trigger_id=t&response_url="
                + java.net.URLEncoder.encode(fake.responseUrl(tag), java.nio.charset.StandardCharsets.UTF_8);
        return senders.submit(() -> {
            String ts = String.valueOf(java.time.Instant.now().getEpochSecond());
            int status = HarnessCpu.counted(() -> SlackBurstBench.post(uri, ts,
                    new com.slack.api.app_backend.SlackSignature.Generator(secret).generate(ts, body), body));
            ackedAt.put(tag, System.nanoTime());
            return status;
        });
    }

    /**
     * Whether a call is a run's answer, the summary with its Re-run button: in place of its "Checking…" message, or
     * (answered before that was due) a message of its own.
     */
    static boolean isAnswer(dev.mxdoctor.testing.FakeSlack.Call c) {
        return (c.method().equals("chat.update") || c.method().equals("chat.postMessage") && c.param("thread_ts")
                == null) && String.valueOf(c.param("blocks")).contains("Re-run");
    }

    /** When the answer reached Slack in {@code channel}. */
    private static long answeredAt(dev.mxdoctor.testing.FakeSlack fake, String channel) {
        return fake.calls().stream().filter(c -> isAnswer(c) && channel.equals(c.param("channel")))
                .mapToLong(c -> c.atNanos()).min()
                .orElseThrow();
    }

    private static void awaitAnswers(dev.mxdoctor.testing.FakeSlack fake, String channel, int n) throws Exception {
        fake.await(calls -> calls.stream().filter(c -> isAnswer(c) && channel.equals(c.param("channel")))
                .count() >= n, Duration.ofMinutes(5), "the answer in " + channel);
    }

    /**
     * With LOAD_PROFILE=file.jfr in the environment, a JFR recording of the measured round only (CPU samples every
     * millisecond): {@code jfr view hot-methods file.jfr}, {@code jfr print --events jdk.ExecutionSample file.jfr}.
     */
    static jdk.jfr.@org.jspecify.annotations.Nullable Recording profile() throws java.io.IOException {
        String file = System.getenv("LOAD_PROFILE");
        if (file == null) {
            return null;
        }
        jdk.jfr.Recording r = new jdk.jfr.Recording();
        r.enable("jdk.ExecutionSample").withPeriod(Duration.ofMillis(1)).withStackTrace();
        r.enable("jdk.NativeMethodSample").withPeriod(Duration.ofMillis(1)).withStackTrace();
        r.enable("jdk.CPUTimeSample").with("throttle", "1ms").withStackTrace();
        r.setDestination(Path.of(file));
        r.start();
        return r;
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
