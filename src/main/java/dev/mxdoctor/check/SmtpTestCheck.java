package dev.mxdoctor.check;

import dev.mxdoctor.command.HostPort;
import dev.mxdoctor.command.Names;
import dev.mxdoctor.command.Request;
import dev.mxdoctor.diagnosis.AddressProbe;
import dev.mxdoctor.diagnosis.DnsStatus;
import dev.mxdoctor.diagnosis.Finding;
import dev.mxdoctor.diagnosis.MxEvidence;
import dev.mxdoctor.diagnosis.SmtpTestEvidence;
import dev.mxdoctor.diagnosis.SmtpTestRules;
import dev.mxdoctor.diagnosis.Verdict;
import dev.mxdoctor.dns.Addresses;
import dev.mxdoctor.dns.DnsClient;
import dev.mxdoctor.dns.DnsQuery;
import dev.mxdoctor.dns.DnsResult;
import dev.mxdoctor.report.Report;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;
import java.util.stream.Collectors;
import org.xbill.DNS.Name;
import org.xbill.DNS.Type;

/**
 * The {@code smtptest} check: the dialogue a sending MTA would hold for one recipient. Every address of every MX
 * host is taken up to RCPT in parallel; the MTA's path (preference order, equal preferences shuffled, next host
 * after a connection failure or a refused greeting) is then read off those results, so the report shows both what
 * an MTA would do and the state of every host.
 */
public final class SmtpTestCheck {

    private final MxCheck mx;
    private final DnsClient dns;
    private final Resolvers resolvers;
    private final SmtpSettings smtp;
    private final ExecutorService executor;
    private final Clock clock;
    private final LongSupplier nanoTime;
    private final RandomGenerator random;
    private final List<InetAddress> senders;

    public SmtpTestCheck(DnsClient dns, Resolvers resolvers, int nameServerPort, SmtpSettings smtp,
            ExecutorService executor, Clock clock, LongSupplier nanoTime, RandomGenerator random) {
        this(dns, resolvers, nameServerPort, smtp, executor, clock, nanoTime, random, List.of());
    }

    /**
     * @param senders the organisation's sender addresses (MXDOCTOR_SENDER_IPS), asked about in any blocklist a
     *     receiver names when it refuses mxdoctor
     */
    public SmtpTestCheck(DnsClient dns, Resolvers resolvers, int nameServerPort, SmtpSettings smtp,
            ExecutorService executor, Clock clock, LongSupplier nanoTime, RandomGenerator random,
            List<InetAddress> senders) {
        this.senders = List.copyOf(senders);
        this.mx = new MxCheck(dns, resolvers, nameServerPort, Optional.of(smtp), executor, clock, nanoTime);
        this.dns = dns;
        this.resolvers = resolvers;
        this.smtp = smtp;
        this.executor = executor;
        this.clock = clock;
        this.nanoTime = nanoTime;
        this.random = random;
    }

    public Report run(Request.SmtpTest request, Duration timeout, Progress progress) {
        Instant started = clock.instant();
        long start = nanoTime.getAsLong();
        Deadline deadline = Deadline.after(timeout, nanoTime);
        DnsTrace trace = new DnsTrace(dns, nanoTime, start);
        TranscriptRecorder transcript = new TranscriptRecorder(nanoTime, start);
        String rcpt = request.recipient().ascii();
        String domain = request.recipient().domain().ascii();
        String sender = request.from().map(a -> a.ascii()).orElse(smtp.mailFrom());
        List<InetSocketAddress> servers;
        try {
            servers = resolvers.servers(request.resolver());
        } catch (Resolvers.Unusable e) {
            return e.report("smtptest", rcpt, request.recipient().display(), started);
        }
        SmtpSettings settings = smtp;
        MxEvidence evidence;
        if (request.via().isPresent()) {
            HostPort via = request.via().get();
            settings = smtp.withPort(via.port());
            progress.update("Looking up " + via.host() + "…");
            evidence = viaEvidence(domain, via, servers, trace, deadline);
        } else {
            progress.update("Looking up MX for " + request.recipient().domain().display() + "…");
            evidence = mx.resolve(domain, servers, trace, deadline, progress);
        }
        Optional<String> sendRefusal = settings.sendRefusal(domain);
        Envelope envelope = new Envelope(sender, rcpt, Optional.empty());
        List<String> hostOrder = mtaOrder(evidence, transcript);
        Probes probes = new Probes(settings, executor, nanoTime);
        evidence = probes.probeAll(evidence, Optional.of(envelope), new ReverseLookups(trace, servers, executor),
                transcript, deadline, progress);
        Optional<AddressProbe> control = probes.controlIfAllTimedOut(evidence, transcript, deadline);
        List<AddressProbe> order = inOrder(evidence, hostOrder);
        Optional<AddressProbe> point = SmtpTestEvidence.deliveryPoint(order);
        if (request.send() && point.isPresent() && point.get().rcpt().filter(r -> r.isPositive()).isPresent()) {
            AddressProbe p = point.get();
            if (sendRefusal.isEmpty()) {
                progress.update("Sending the test message to " + p.host() + "…");
                AddressProbe sent = probes.again(p, new Envelope(sender, rcpt,
                        Optional.of(message(sender, rcpt, settings.helo()))), transcript, deadline);
                order = replace(order, p, sent);
                evidence = replace(evidence, p, sent);
                point = SmtpTestEvidence.deliveryPoint(order);
            } else {
                transcript.add(p.host(), p.address(), 'I', "--send: DATA not sent, " + sendRefusal.get());
            }
        }
        SmtpTestEvidence e = new SmtpTestEvidence(evidence, rcpt, sender, request.from().isPresent(), order, point,
                request.send(), sendRefusal, request.via().isPresent());
        List<Finding> findings = ListingConfirmation.confirm(SmtpTestRules.findings(e, control, clock.instant(),
                settings.timeouts().slowGreeting()), order, senders, trace, servers, deadline);
        Verdict verdict = SmtpTestRules.verdict(e, findings);
        return new Report("smtptest", rcpt, request.recipient().display(), Resolvers.describe(servers), started,
                (nanoTime.getAsLong() - start) / 1_000_000, verdict, findings, MxCheck.table(evidence), List.of(),
                transcript.lines(), trace.exchanges());
    }

    /**
     * The order a sending MTA tries the hosts: preference, equal preferences shuffled (RFC 5321 5.1). The
     * transcript says which order was drawn.
     */
    private List<String> mtaOrder(MxEvidence evidence, TranscriptRecorder transcript) {
        Map<Integer, List<MxEvidence.Host>> groups = new LinkedHashMap<>();
        for (MxEvidence.Host h : evidence.hosts()) {
            groups.computeIfAbsent(h.preference(), p -> new ArrayList<>()).add(h);
        }
        List<String> order = new ArrayList<>();
        List<String> said = new ArrayList<>();
        for (Map.Entry<Integer, List<MxEvidence.Host>> g : groups.entrySet()) {
            List<MxEvidence.Host> hosts = new ArrayList<>(g.getValue());
            if (hosts.size() > 1) {
                for (int i = hosts.size() - 1; i > 0; i--) {
                    int j = random.nextInt(i + 1);
                    hosts.set(i, hosts.set(j, hosts.get(i)));
                }
                said.add(hosts.stream().map(MxEvidence.Host::name).collect(Collectors.joining(", "))
                        + " (preference " + g.getKey() + ", equal: shuffled)");
            } else {
                said.add(hosts.get(0).name() + " (preference " + g.getKey() + ")");
            }
            hosts.forEach(h -> order.add(h.name()));
        }
        if (!said.isEmpty()) {
            transcript.add("mxdoctor", "", 'I', "a sending MTA would try " + String.join(", then ", said));
        }
        return order;
    }

    /** Every probe, host by host in {@code hostOrder}, each host's addresses in DNS order. */
    private static List<AddressProbe> inOrder(MxEvidence evidence, List<String> hostOrder) {
        List<AddressProbe> out = new ArrayList<>();
        for (String name : hostOrder) {
            evidence.hosts().stream().filter(h -> h.name().equals(name)).findFirst()
                    .ifPresent(h -> out.addAll(h.probes()));
        }
        return out;
    }

    private MxEvidence viaEvidence(String domain, HostPort via, List<InetSocketAddress> servers, DnsTrace trace,
            Deadline deadline) {
        DnsStatus ok = DnsStatus.answer("via " + via.host());
        Optional<InetAddress> literal = Names.ipLiteral(via.host());
        List<String> addresses = new ArrayList<>();
        DnsStatus v4 = ok;
        DnsStatus v6 = ok;
        if (literal.isPresent()) {
            addresses.add(Addresses.text(literal.get()));
        } else {
            Name name = Name.fromConstantString(via.host() + ".");
            DnsQuery a = DnsQuery.recursive(servers, name, Type.A);
            DnsQuery aaaa = DnsQuery.recursive(servers, name, Type.AAAA);
            var fa = trace.query(a);
            var faaaa = trace.query(aaaa);
            DnsResult ra = trace.await(fa, a, deadline);
            DnsResult raaaa = trace.await(faaaa, aaaa, deadline);
            ra.records(Type.A).forEach(r -> addresses.add(Addresses.text(((org.xbill.DNS.ARecord) r).getAddress())));
            raaaa.records(Type.AAAA).forEach(r -> addresses.add(Addresses.text(
                    ((org.xbill.DNS.AAAARecord) r).getAddress())));
            v4 = DnsStatuses.of(ra);
            v6 = DnsStatuses.of(raaaa);
        }
        MxEvidence.Host host = new MxEvidence.Host(0, via.host(), false, false, Optional.empty(), addresses, v4, v6,
                0, List.of());
        return new MxEvidence(domain, Resolvers.describe(servers), ok, List.of(host), false, Optional.empty(),
                List.of());
    }

    /** A short, clearly labelled test message, dot-stuffed and ending in CRLF.CRLF (RFC 5321 4.5.2). */
    byte[] message(String from, String to, String helo) {
        Instant now = clock.instant();
        String id = Long.toHexString(now.toEpochMilli()) + "." + Integer.toHexString(random.nextInt()) + "@" + helo;
        String body = String.join("\r\n",
                "Date: " + DateTimeFormatter.RFC_1123_DATE_TIME.format(now.atOffset(ZoneOffset.UTC)),
                "Message-ID: <" + id + ">",
                "From: <" + from + ">",
                "To: <" + to + ">",
                "Subject: mxdoctor delivery test",
                "Auto-Submitted: auto-generated",
                "X-Mxdoctor-Test: yes",
                "",
                "This is a test message sent by mxdoctor to check mail delivery to " + to + ".",
                "It was requested by an administrator troubleshooting delivery; no reply is needed.");
        return (dotStuff(body + "\r\n") + ".\r\n").getBytes(StandardCharsets.UTF_8);
    }

    /** Doubles a leading dot on every line (RFC 5321 4.5.2). */
    static String dotStuff(String text) {
        return (text.startsWith(".") ? "." : "") + text.replace("\r\n.", "\r\n..");
    }

    private static List<AddressProbe> replace(List<AddressProbe> list, AddressProbe old, AddressProbe now) {
        return list.stream().map(p -> p == old ? now : p).toList();
    }

    private static MxEvidence replace(MxEvidence e, AddressProbe old, AddressProbe now) {
        return e.withHosts(e.hosts().stream().map(h -> h.withProbes(replace(h.probes(), old, now))).toList());
    }
}
