package dev.mxdoctor;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.mxdoctor.check.AuthCheck;
import dev.mxdoctor.check.BlocklistCheck;
import dev.mxdoctor.check.DnsCheck;
import dev.mxdoctor.check.RelayTestCheck;
import dev.mxdoctor.check.MtaStsFetcher;
import dev.mxdoctor.check.MxCheck;
import dev.mxdoctor.check.Progress;
import dev.mxdoctor.check.Resolvers;
import dev.mxdoctor.check.SmtpSettings;
import dev.mxdoctor.check.SmtpTestCheck;
import dev.mxdoctor.command.Invocation;
import dev.mxdoctor.command.Request;
import dev.mxdoctor.dns.CachingDnsClient;
import dev.mxdoctor.dns.DnsClient;
import dev.mxdoctor.dns.UpstreamDnsClient;
import dev.mxdoctor.report.Report;
import dev.mxdoctor.smtp.ConnectionGate;
import dev.mxdoctor.smtp.Dialer;
import dev.mxdoctor.smtp.Pinger;
import dev.mxdoctor.smtp.TargetPolicy;
import dev.mxdoctor.smtp.TlsSettings;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.xbill.DNS.ResolverConfig;

/** The one place that wires mxdoctor's engine: DNS client and cache, executor, checks. Shared by CLI and bot. */
public final class Engine implements AutoCloseable {

    /** Longest time any answer is cached, whatever its TTL. */
    static final Duration MAX_TTL = Duration.ofDays(1);

    /** Longest time a negative answer is cached (RFC 2308 5 suggests one to three hours). */
    static final Duration MAX_NEGATIVE_TTL = Duration.ofHours(3);

    private final Config config;
    private final ExecutorService executor;
    private final CachingDnsClient cache;
    private final Resolvers resolvers;
    private final TlsSettings tls;
    // One for the process: the limits are per remote address whatever check or chat user connects.
    private final ConnectionGate gate;
    private final AtomicReference<@Nullable SmtpSettings> smtp = new AtomicReference<>();
    private final AtomicReference<dev.mxdoctor.dns.@Nullable ValidatingDnsClient> validating =
            new AtomicReference<>();
    private final Clock clock;

    /** The engine for the bot: checks on virtual threads, each task logging with its run's id. */
    public Engine(Config config, Clock clock) {
        this(config, clock, new MdcExecutorService(Executors.newVirtualThreadPerTaskExecutor()));
    }

    /**
     * The engine for one command-line run: checks on platform threads. A virtual thread blocked on a socket parks in
     * the JDK's poller, whose thread then waits in native code for the rest of the process, and the JVM's exit waits
     * about 300 ms for threads in native code; a command's few dozen tasks cost nothing on platform threads.
     */
    public static Engine forCommandLine(Config config, Clock clock) {
        return new Engine(config, clock, Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "check");
            t.setDaemon(true);
            return t;
        }));
    }

    private Engine(Config config, Clock clock, ExecutorService executor) {
        this.config = config;
        this.clock = clock;
        this.executor = executor;
        DnsClient upstream = new UpstreamDnsClient(config.dnsAttemptTimeout(), config.dnsAttempts(), executor,
                System::nanoTime);
        this.cache = new CachingDnsClient(upstream, config.cacheSize(), MAX_TTL, MAX_NEGATIVE_TTL,
                Ticker.systemTicker(), executor);
        List<InetSocketAddress> servers = config.resolvers().isEmpty()
                ? ResolverConfig.getCurrentConfig().servers()
                : config.resolvers();
        this.resolvers = new Resolvers(servers, Resolvers.policy(config.allowTargets(), config.allowPorts()));
        this.tls = TlsSettings.load(config.tlsCaFile()); // reads MXDOCTOR_TLS_CA_FILE now: a bad file fails here
        this.gate = new ConnectionGate(config.connectionsPerAddress(), config.connectionInterval());
    }

    /**
     * How to talk to mail servers, made on the first check that does (dns and history never need the HELO name, whose
     * look-up can be slow), with the TLS trust material built in the background meanwhile.
     */
    @SuppressWarnings("FutureReturnValueIgnored") // the warm-up's result is the trust material it caches
    private SmtpSettings smtp() {
        SmtpSettings s = smtp.get();
        if (s == null) {
            tls.warmUp(executor);
            String helo = config.heloName();
            smtp.compareAndSet(null, new SmtpSettings(new Dialer(new TargetPolicy(config.allowTargets(),
                    config.dialablePorts()::contains), gate), tls,
                    config.timeouts(), config.ping() ? Pinger.system() : Pinger.DISABLED, config.smtpPort(), helo,
                    config.mailFromAddress(helo), config.allowSend(), config.sendDomains(), config.control()));
            s = java.util.Objects.requireNonNull(smtp.get());
        }
        return s;
    }

    /** The DNSSEC-validating client, made on the first auth (its key cache then serves every later one). */
    private dev.mxdoctor.dns.ValidatingDnsClient validating() {
        dev.mxdoctor.dns.ValidatingDnsClient v = validating.get();
        if (v == null) {
            validating.compareAndSet(null, new dev.mxdoctor.dns.ValidatingDnsClient(config.dnssecAnchors(),
                    config.dnsAttemptTimeout(), executor, System::nanoTime, clock));
            v = java.util.Objects.requireNonNull(validating.get());
        }
        return v;
    }

    /** Runs a check request; {@code help} is the caller's to answer, as it needs no engine. */
    public Report run(Invocation invocation, Progress progress) {
        DnsClient dns = invocation.fresh() ? cache.bypassing() : cache;
        // A user's --timeout is bounded by configuration: a chat command must not hold a worker for long.
        Duration asked = invocation.timeout().orElse(config.timeout());
        Duration timeout = asked.compareTo(config.maxTimeout()) > 0 ? config.maxTimeout() : asked;
        Report report = switch (invocation.request()) {
            case Request.Mx mx -> new MxCheck(dns, resolvers, config.nameServerPort(), Optional.of(smtp()), executor,
                    clock, System::nanoTime, Optional.of(validating())).run(mx, timeout, progress);
            case Request.SmtpTest t -> new SmtpTestCheck(dns, resolvers, config.nameServerPort(), smtp(), executor,
                    clock, System::nanoTime, new SplittableRandom(), config.dnsbls().senders()).run(t, timeout,
                    progress);
            case Request.Dns d -> new DnsCheck(dns, resolvers, clock, System::nanoTime).run(d, timeout, progress);
            case Request.Auth a -> new AuthCheck(dns, resolvers, clock, System::nanoTime, Optional.of(
                    new MtaStsFetcher(tls, new TargetPolicy(config.allowTargets(), port -> true), config.mtaStsPort(),
                            Duration.ofSeconds(10))), Optional.of(new AuthCheck.Dane(validating(), Optional.of(smtp()),
                    executor))).run(a, timeout, progress);
            case Request.RelayTest t -> !config.relaytest().allowed()
                    ? Report.refused("relaytest", t.query(), clock.instant(), "relaytest is off: it asks mail hosts to "
                            + "relay (stopping at RCPT TO, never DATA), so it runs only where MXDOCTOR_ALLOW_RELAYTEST="
                            + "true allows it.")
                    : !config.sendDomains().isEmpty() && config.sendDomains().stream().noneMatch(d -> t.query()
                            .equals(d) || t.query().endsWith("." + d))
                    ? Report.refused("relaytest", t.query(), clock.instant(), "relaytest may test only the domains "
                            + "MXDOCTOR_SEND_DOMAINS lists (" + String.join(", ", config.sendDomains()) + "), and "
                            + t.query() + " is not among them.")
                    : new RelayTestCheck(dns, resolvers, config.nameServerPort(), smtp(), executor, clock,
                            System::nanoTime, config.relaytest().from(), config.relaytest().to()).run(t, timeout,
                            progress);
            case Request.Blocklist b -> new BlocklistCheck(dns, resolvers, config.dnsbls(), clock, System::nanoTime)
                    .run(b, timeout, progress);
            // help, history and the watch commands are answered by their callers: they are not checks
            default -> throw new IllegalArgumentException(invocation.request().command() + " is not a check");
        };
        // Whatever rule wrote it, no verdict leaves here milder than its findings allow.
        return report.withVerdict(dev.mxdoctor.diagnosis.VerdictInvariants.upheld(report.verdict(),
                report.findings()));
    }

    /** DNS cache look-ups answered from the cache (for /metrics). */
    public long dnsCacheHits() {
        return cache.stats().hitCount();
    }

    /** DNS cache look-ups that went upstream (for /metrics). */
    public long dnsCacheMisses() {
        return cache.stats().missCount();
    }

    /** Entries in the DNS cache (for /metrics). */
    public long dnsCacheEntries() {
        return cache.size();
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
