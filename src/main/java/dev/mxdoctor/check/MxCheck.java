package dev.mxdoctor.check;

import dev.mxdoctor.command.Names;
import dev.mxdoctor.command.Request;
import dev.mxdoctor.diagnosis.AddressProbe;
import dev.mxdoctor.diagnosis.DnsStatus;
import dev.mxdoctor.diagnosis.Finding;
import dev.mxdoctor.diagnosis.FindingCode;
import dev.mxdoctor.diagnosis.MxEvidence;
import dev.mxdoctor.diagnosis.MxRules;
import dev.mxdoctor.diagnosis.MxVerdict;
import dev.mxdoctor.diagnosis.ProbeRules;
import dev.mxdoctor.diagnosis.ReachabilityRules;
import dev.mxdoctor.diagnosis.Verdict;
import dev.mxdoctor.dns.Addresses;
import dev.mxdoctor.dns.DnsClient;
import dev.mxdoctor.dns.DnsQuery;
import dev.mxdoctor.dns.DnsResult;
import dev.mxdoctor.dns.ValidatingDnsClient;
import dev.mxdoctor.report.ErrorId;
import dev.mxdoctor.report.Report;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/**
 * The {@code mx} check: MX records, every host's addresses in parallel, and the zone's name servers compared,
 * then the diagnosis. Waits block virtual threads; every wait ends by the run's deadline.
 */
public final class MxCheck {

    private static final Logger LOG = LoggerFactory.getLogger(MxCheck.class);

    private final DnsClient dns;
    private final Resolvers resolvers;
    private final NameServerComparison nameServers;
    private final DelegationWalk delegation;
    private final Optional<SmtpSettings> smtp;
    private final ExecutorService executor;
    private final Clock clock;
    private final LongSupplier nanoTime;
    private final Optional<ValidatingDnsClient> dane;

    /** @param smtp how to probe port 25; empty for the DNS part alone */
    public MxCheck(DnsClient dns, Resolvers resolvers, int nameServerPort, Optional<SmtpSettings> smtp,
            ExecutorService executor, Clock clock, LongSupplier nanoTime) {
        this(dns, resolvers, nameServerPort, smtp, executor, clock, nanoTime, Optional.empty());
    }

    /**
     * @param dane validates the TLSA records of MX hosts that publish them, to compare with the certificates the
     *     probes saw; empty to leave DANE to {@code auth}
     */
    public MxCheck(DnsClient dns, Resolvers resolvers, int nameServerPort, Optional<SmtpSettings> smtp,
            ExecutorService executor, Clock clock, LongSupplier nanoTime, Optional<ValidatingDnsClient> dane) {
        this.dane = dane;
        this.dns = dns;
        this.resolvers = resolvers;
        this.nameServers = new NameServerComparison(nameServerPort, resolvers::mayAskNameServer);
        this.delegation = new DelegationWalk(nameServerPort, resolvers::mayAskNameServer);
        this.smtp = smtp;
        this.executor = executor;
        this.clock = clock;
        this.nanoTime = nanoTime;
    }

    public Report run(Request.Mx request, Duration timeout, Progress progress) {
        Instant started = clock.instant();
        long start = nanoTime.getAsLong();
        Deadline deadline = Deadline.after(timeout, nanoTime);
        DnsTrace trace = new DnsTrace(dns, nanoTime, start);
        String domain = request.domain().ascii();
        List<InetSocketAddress> servers;
        try {
            servers = resolvers.servers(request.resolver());
        } catch (Resolvers.Unusable e) {
            return e.report("mx", domain, request.domain().display(), started);
        }
        progress.update("Looking up MX for " + request.domain().display() + "…");
        PolicySummary policy = new PolicySummary(trace, servers, domain);
        MxEvidence evidence = resolve(domain, servers, trace, deadline, progress);
        policy.mxHosts(evidence.hosts().stream().filter(h -> !h.ipLiteral()).map(MxEvidence.Host::name).toList());
        TranscriptRecorder transcript = new TranscriptRecorder(nanoTime, start);
        Optional<AddressProbe> control = Optional.empty();
        if (smtp.isPresent()) {
            Probes probes = new Probes(smtp.get(), executor, nanoTime);
            evidence = probes.probeAll(evidence, Optional.empty(), new ReverseLookups(trace, servers, executor),
                    transcript, deadline, progress);
            control = probes.controlIfAllTimedOut(evidence, transcript, deadline);
        }
        List<Finding> findings = findings(evidence, control, clock.instant(),
                smtp.map(x -> x.timeouts().slowGreeting()).orElse(Duration.ZERO));
        List<Report.DnsExchange> exchanges = new ArrayList<>();
        Optional<DaneCheck.Result> daneResult = Optional.empty();
        // Only where a host publishes TLSA (few do) is DANE validated, from the certificates the probes already saw.
        if (dane.isPresent() && smtp.isPresent() && !evidence.nullMx() && policy.tlsaPublished(deadline)) {
            DnsTrace validated = new DnsTrace(dane.get(), nanoTime, start);
            try {
                daneResult = Optional.of(new DaneCheck(validated, dane.get(),
                        Optional.of(DaneCheck.fromProbes(evidence.probes())), executor).run(domain, servers,
                        deadline));
                findings.addAll(daneResult.get().findings());
            } catch (RuntimeException e) {
                // DANE is a side view of mx: without it the answer stands, and the log has why.
                String id = ErrorId.next();
                LOG.error("judging DANE for {} failed, error id {}", domain, id, e);
                daneResult = Optional.of(new DaneCheck.Result(List.of(), "DANE: not judged (mxdoctor failed "
                        + "internally, error id " + id + ")", List.of()));
            }
            exchanges.addAll(validated.exchanges());
        }
        Verdict verdict = DaneCheck.verdict(MxVerdict.of(evidence, findings), domain, findings);
        String policyLine = evidence.nullMx() ? "" : policy.line(deadline, daneResult.map(DaneCheck.Result::summary));
        exchanges.addAll(trace.exchanges());
        exchanges.sort(java.util.Comparator.comparingLong(Report.DnsExchange::atMs));
        return new Report("mx", domain, request.domain().display(), Resolvers.describe(servers), started,
                (nanoTime.getAsLong() - start) / 1_000_000, verdict, findings, table(evidence), List.of(),
                transcript.lines(), exchanges, List.of(), policyLine);
    }

    /** Runs the DNS part of an mx check and returns what it saw; smtptest builds on it. */
    MxEvidence resolve(String domain, List<InetSocketAddress> servers, DnsTrace trace, Deadline deadline,
            Progress progress) {
        Name name = Name.fromConstantString(domain + ".");
        DnsQuery mxQuery = DnsQuery.recursive(servers, name, Type.MX);
        CompletableFuture<DnsResult> mxFuture = trace.query(mxQuery);
        CompletableFuture<DnsResult> nsFuture = trace.query(DnsQuery.recursive(servers, name, Type.NS));
        DnsResult mx = trace.await(mxFuture, mxQuery, deadline);
        return gather(domain, name, servers, mx, nsFuture, trace, deadline, progress);
    }

    /** Every finding of an mx run: DNS, then each address's dialogue, then the hosts as a whole. */
    static List<Finding> findings(MxEvidence evidence, Optional<AddressProbe> control, Instant now,
            Duration slowGreeting) {
        List<Finding> findings = new ArrayList<>(MxRules.findings(evidence));
        for (AddressProbe p : evidence.probes()) {
            try {
                findings.addAll(ProbeRules.findings(p, now, slowGreeting));
            } catch (RuntimeException e) {
                // One address's odd evidence costs that address's findings, never the run.
                String id = ErrorId.next();
                LOG.error("diagnosing {} [{}] failed, error id {}", p.host(), p.address(), id, e);
                findings.add(Finding.of(FindingCode.CHECK_INCOMPLETE, Finding.Stage.CONNECT, p.host(), p.host()
                        + " (" + p.address() + ") could not be diagnosed: mxdoctor failed internally (error id " + id
                        + ").").withAddress(p.address()));
            }
        }
        findings.addAll(ReachabilityRules.findings(evidence, control));
        return findings;
    }

    private MxEvidence gather(String domain, Name name, List<InetSocketAddress> servers, DnsResult mx,
            CompletableFuture<DnsResult> nsFuture, DnsTrace trace, Deadline deadline, Progress progress) {
        String resolver = Resolvers.describe(servers);
        DnsStatus mxStatus = DnsStatuses.of(mx);
        if (mx instanceof DnsResult.ServFail || mx instanceof DnsResult.Referral
                || mx instanceof DnsResult.TimedOut) {
            // Whose failure is it? Every resolver's (the domain's servers), or this one's: ask the servers directly.
            progress.update("The resolver could not answer for " + domain + "; following the delegation…");
            try {
                DelegationWalk.Result walked = delegation.walk(name, mx, servers, trace, deadline);
                return new MxEvidence(domain, resolver, mxStatus, List.of(), false, Optional.empty(),
                        walked.servers(), Optional.of(walked.delegation()));
            } catch (RuntimeException e) {
                // The walk explains the failure; without it the failure is still told as the resolver saw it.
                LOG.error("following the delegation of {} failed, error id {}", domain, ErrorId.next(), e);
                return new MxEvidence(domain, resolver, mxStatus, List.of(), false, Optional.empty(), List.of());
            }
        }
        if (!(mx instanceof DnsResult.Answer) && !(mx instanceof DnsResult.NoData)) {
            return new MxEvidence(domain, resolver, mxStatus, List.of(), false, Optional.empty(), List.of());
        }
        // The name servers are compared while the hosts' addresses are looked up.
        CompletableFuture<List<MxEvidence.NameServer>> nsComparison = CompletableFuture.supplyAsync(
                () -> nameServers.compare(name, servers, nsFuture, trace, deadline), executor).exceptionally(e -> {
                    // The comparison is a side view: without it the run goes on, and the log has why.
                    LOG.error("comparing the name servers of {} failed, error id {}", domain, ErrorId.next(), e);
                    return List.of();
                });
        List<MXRecord> records = mx.records(Type.MX).stream()
                .map(r -> (MXRecord) r)
                .sorted(Comparator.comparingInt(MXRecord::getPriority).thenComparing(r -> r.getTarget().toString()))
                .toList();
        boolean nullMx = records.stream().anyMatch(r -> r.getTarget().equals(Name.root));
        List<HostLookup> lookups = new ArrayList<>();
        Optional<DnsStatus> implicitLookup = Optional.empty();
        if (mx instanceof DnsResult.NoData) {
            progress.update(domain + " has no MX records; looking up its own address…");
            lookups.add(HostLookup.start(trace, servers, 0, name, true, ttlOf(mx)));
        } else {
            progress.update(records.size() + " MX record" + (records.size() == 1 ? "" : "s")
                    + "; looking up addresses…");
            for (MXRecord r : records) {
                if (!r.getTarget().equals(Name.root)) {
                    lookups.add(HostLookup.start(trace, servers, r.getPriority(), r.getTarget(), false, r.getTTL()));
                }
            }
        }
        List<MxEvidence.Host> hosts = new ArrayList<>();
        for (HostLookup l : lookups) {
            MxEvidence.Host h = l.finish(trace, deadline);
            hosts.add(h);
            if (h.implicit()) {
                implicitLookup = Optional.of(h.ipv4());
            }
        }
        List<MxEvidence.NameServer> ns = nsComparison.join();
        return new MxEvidence(domain, resolver, mxStatus, hosts, nullMx, implicitLookup, ns);
    }

    private static long ttlOf(DnsResult r) {
        return r.ttl().toSeconds();
    }

    static List<Report.MxEntry> table(MxEvidence e) {
        return e.hosts().stream()
                .map(h -> new Report.MxEntry(h.preference(), h.name(), h.implicit(), h.ttl(), h.addresses(),
                        h.probes()))
                .toList();
    }

    /** The A and AAAA look-ups of one MX host, started together and finished together. */
    private record HostLookup(int preference, Name target, boolean implicit, long ttl, boolean ipLiteral,
            @Nullable DnsQuery v4Query, @Nullable CompletableFuture<DnsResult> v4, @Nullable DnsQuery v6Query,
            @Nullable CompletableFuture<DnsResult> v6) {

        static HostLookup start(DnsTrace trace, List<InetSocketAddress> servers, int preference, Name target,
                boolean implicit, long ttl) {
            String bare = stripDot(target.toString());
            if (!implicit && Names.ipLiteral(bare).isPresent()) {
                return new HostLookup(preference, target, false, ttl, true, null, null, null, null);
            }
            DnsQuery a = DnsQuery.recursive(servers, target, Type.A);
            DnsQuery aaaa = DnsQuery.recursive(servers, target, Type.AAAA);
            return new HostLookup(preference, target, implicit, ttl, false, a, trace.query(a), aaaa,
                    trace.query(aaaa));
        }

        MxEvidence.Host finish(DnsTrace trace, Deadline deadline) {
            String host = stripDot(target.toString());
            if (ipLiteral) {
                DnsStatus skipped = new DnsStatus(DnsStatus.Outcome.NODATA, "not looked up: an IP literal");
                return new MxEvidence.Host(preference, host, false, true, Optional.empty(), List.of(), skipped,
                        skipped, ttl, List.of());
            }
            // Not an IP literal: both look-ups were started.
            DnsResult a = trace.await(Objects.requireNonNull(v4), Objects.requireNonNull(v4Query), deadline);
            DnsResult aaaa = trace.await(Objects.requireNonNull(v6), Objects.requireNonNull(v6Query), deadline);
            List<String> addresses = new ArrayList<>();
            for (Record r : a.records(Type.A)) {
                addresses.add(Addresses.text(((org.xbill.DNS.ARecord) r).getAddress()));
            }
            for (Record r : aaaa.records(Type.AAAA)) {
                addresses.add(Addresses.text(((org.xbill.DNS.AAAARecord) r).getAddress()));
            }
            Optional<String> alias = a.aliasOf(target).or(() -> aaaa.aliasOf(target)).map(n -> stripDot(n.toString()));
            long hostTtl = implicit ? Math.min(a.ttl().toSeconds(), aaaa.ttl().toSeconds()) : ttl;
            if (implicit && hostTtl == 0) {
                hostTtl = Math.max(a.ttl().toSeconds(), aaaa.ttl().toSeconds());
            }
            return new MxEvidence.Host(preference, host, implicit, false, implicit ? Optional.empty() : alias,
                    addresses, DnsStatuses.of(a), DnsStatuses.of(aaaa), hostTtl, List.of());
        }
    }

    static String stripDot(String name) {
        return name.endsWith(".") && name.length() > 1 ? name.substring(0, name.length() - 1) : name;
    }
}
