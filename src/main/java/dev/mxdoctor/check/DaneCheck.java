package dev.mxdoctor.check;

import dev.mxdoctor.auth.Tlsa;
import dev.mxdoctor.diagnosis.AddressProbe;
import dev.mxdoctor.diagnosis.Finding;
import dev.mxdoctor.diagnosis.FindingCode;
import dev.mxdoctor.diagnosis.Severity;
import dev.mxdoctor.diagnosis.Verdict;
import dev.mxdoctor.dns.Addresses;
import dev.mxdoctor.dns.DnsQuery;
import dev.mxdoctor.dns.DnsResult;
import dev.mxdoctor.dns.ValidatingDnsClient;
import dev.mxdoctor.report.Report;
import dev.mxdoctor.smtp.Capabilities;
import dev.mxdoctor.smtp.SmtpReply;
import dev.mxdoctor.smtp.SmtpSession;
import dev.mxdoctor.smtp.TargetNotAllowedException;
import dev.mxdoctor.smtp.TlsFacts;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.TLSARecord;
import org.xbill.DNS.Type;

/**
 * The DANE part of {@code auth} (RFC 7672): for each MX host, the TLSA records at {@code _25._tcp.<host>} asked
 * through a validating stub with mxdoctor's own trust anchors, whether DANE applies to them (the MX records, the
 * host's addresses and the TLSA records all DNSSEC-secure, as a DANE sender requires), and, where it does, whether
 * the certificate chain each address presents after STARTTLS matches them.
 */
final class DaneCheck {

    /** How DNSSEC judged one answer. */
    enum Security {
        SECURE, INSECURE, BOGUS, FAILED;

        static Security of(DnsResult r) {
            if (ValidatingDnsClient.bogusReason(r).isPresent()) {
                return BOGUS;
            }
            return switch (r) {
                case DnsResult.Answer a -> a.serverReply().authenticated() ? SECURE : INSECURE;
                case DnsResult.NoData n -> n.serverReply().authenticated() ? SECURE : INSECURE;
                case DnsResult.NxDomain n -> n.serverReply().authenticated() ? SECURE : INSECURE;
                default -> FAILED;
            };
        }
    }

    /** What one address showed after STARTTLS. */
    sealed interface Presented {
        record Tls(TlsFacts facts) implements Presented {}

        /** STARTTLS not offered, refused or the handshake failed: a DANE sender does not deliver. */
        record NoTls(String why) implements Presented {}

        /** Not reached at all: not DANE's to judge ({@code mx} says why). */
        record Unreached(String why) implements Presented {}
    }

    /** Connects to one address and returns what its STARTTLS presents. */
    @FunctionalInterface
    interface Handshaker {
        Presented presented(String host, InetAddress address, Deadline deadline);
    }

    /** What the part found, for {@link AuthCheck}'s report. */
    record Result(List<Finding> findings, String summary, List<Report.RecordLine> records) {}

    private final DnsTrace validated;
    private final Function<Name, Optional<Name>> anchorFor;
    private final BiFunction<List<InetSocketAddress>, Name, CompletableFuture<Optional<Boolean>>> signatures;
    private final Optional<Handshaker> handshaker;
    private final ExecutorService executor;

    /**
     * @param validated the validating client, behind the run's trace (its exchanges show in the report)
     * @param client the validating client behind {@code validated}: its trust anchors, and whether the resolver
     *     passes signatures on
     * @param handshaker empty to read the records without connecting
     */
    DaneCheck(DnsTrace validated, ValidatingDnsClient client, Optional<Handshaker> handshaker,
            ExecutorService executor) {
        this.validated = validated;
        this.anchorFor = client::anchorFor;
        this.signatures = client::passesSignatures;
        this.handshaker = handshaker;
        this.executor = executor;
    }

    private CompletableFuture<DnsResult> ask(List<InetSocketAddress> servers, String name, int type) {
        return validated.query(DnsQuery.recursive(servers, Name.fromConstantString(name + "."), type));
    }

    private DnsResult await(CompletableFuture<DnsResult> f, List<InetSocketAddress> servers, String name, int type,
            Deadline deadline) {
        return validated.await(f, DnsQuery.recursive(servers, Name.fromConstantString(name + "."), type), deadline);
    }

    /** One MX host's DNS, asked together. */
    private record HostDns(String host, DnsResult tlsa, DnsResult a, DnsResult aaaa) {
        List<Tlsa> records() {
            return tlsa.records(Type.TLSA).stream().map(r -> (TLSARecord) r).map(r -> new Tlsa(
                    r.getCertificateUsage(), r.getSelector(), r.getMatchingType(), r.getCertificateAssociationData()))
                    .toList();
        }

        List<InetAddress> addresses() {
            List<InetAddress> out = new ArrayList<>();
            a.records(Type.A).forEach(r -> out.add(((ARecord) r).getAddress()));
            aaaa.records(Type.AAAA).forEach(r -> out.add(((AAAARecord) r).getAddress()));
            return out;
        }

        /** The first of its answers that failed validation, with the validator's reason. */
        Optional<DnsResult> bogus() {
            return List.of(tlsa, a, aaaa).stream().filter(r -> Security.of(r) == Security.BOGUS).findFirst();
        }

        boolean addressesSecure() {
            return Security.of(a) == Security.SECURE && Security.of(aaaa) == Security.SECURE;
        }
    }

    Result run(String domain, List<InetSocketAddress> servers, Deadline deadline) {
        DnsResult mx = validated.ask(DnsQuery.recursive(servers, Name.fromConstantString(domain + "."), Type.MX),
                deadline);
        List<Finding> findings = new ArrayList<>();
        if (Security.of(mx) == Security.BOGUS) {
            Optional<Finding> unverified = unverified(domain, servers, deadline);
            if (unverified.isPresent()) {
                return new Result(List.of(unverified.get()), "DANE: not checked (the resolver does not pass DNSSEC "
                        + "records)", List.of());
            }
            findings.add(bogus(domain, mx));
            return new Result(findings, "DANE: DNSSEC of " + domain + " fails validation", List.of());
        }
        if (Security.of(mx) == Security.FAILED) {
            return new Result(findings, "DANE: not checked (the MX look-up " + mx.status() + ")", List.of());
        }
        // Without MX records, mail goes to the domain's own address, and DANE looks for its TLSA there (RFC 7672 2.2.1).
        List<String> hosts = mx instanceof DnsResult.NoData ? List.of(domain.toLowerCase(Locale.ROOT))
                : mx.records(Type.MX).stream()
                        .map(r -> ((MXRecord) r).getTarget().toString(true).toLowerCase(Locale.ROOT))
                        .filter(h -> !h.isEmpty() && !h.equals(".")).distinct().toList();
        if (hosts.isEmpty()) {
            return new Result(findings, "DANE: no MX hosts", List.of());
        }
        Map<String, CompletableFuture<DnsResult>[]> asked = new LinkedHashMap<>();
        for (String h : hosts) {
            @SuppressWarnings("unchecked")
            CompletableFuture<DnsResult>[] f = new CompletableFuture[] {ask(servers, "_25._tcp." + h, Type.TLSA),
                    ask(servers, h, Type.A), ask(servers, h, Type.AAAA)};
            asked.put(h, f);
        }
        List<HostDns> dns = asked.entrySet().stream().map(e -> new HostDns(e.getKey(),
                await(e.getValue()[0], servers, "_25._tcp." + e.getKey(), Type.TLSA, deadline),
                await(e.getValue()[1], servers, e.getKey(), Type.A, deadline),
                await(e.getValue()[2], servers, e.getKey(), Type.AAAA, deadline))).toList();
        List<Report.RecordLine> shown = new ArrayList<>();
        for (HostDns h : dns) {
            for (Record r : h.tlsa().records(Type.TLSA)) {
                shown.add(new Report.RecordLine(r.getName().toString(), r.getTTL(), "TLSA", r.rdataToString()));
            }
        }
        if (dns.stream().anyMatch(h -> h.bogus().isPresent())) {
            Optional<Finding> unverified = unverified(domain, servers, deadline);
            if (unverified.isPresent()) {
                return new Result(List.of(unverified.get()), "DANE: not checked (the resolver does not pass DNSSEC "
                        + "records)", shown);
            }
        }
        boolean mxSecure = Security.of(mx) == Security.SECURE;
        List<String> said = new ArrayList<>();
        Map<HostDns, List<CompletableFuture<Presented>>> handshakes = new LinkedHashMap<>();
        for (HostDns h : dns) {
            Optional<DnsResult> bogus = h.bogus();
            if (bogus.isPresent()) {
                findings.add(bogus(h.host(), bogus.get()));
                said.add(h.host() + " fails DNSSEC validation");
                continue;
            }
            List<Tlsa> records = h.records();
            if (records.isEmpty()) {
                said.add(h.host() + (Security.of(h.tlsa()) == Security.FAILED ? " TLSA look-up " + h.tlsa().status()
                        : " no TLSA"));
                continue;
            }
            String where = "_25._tcp." + h.host();
            if (!mxSecure || !h.addressesSecure() || Security.of(h.tlsa()) != Security.SECURE) {
                String unsigned = !mxSecure ? "the MX records of " + domain
                        : !h.addressesSecure() ? "the address records of " + h.host() : "the TLSA records themselves";
                findings.add(Finding.of(FindingCode.DANE_TLSA_INSECURE, Finding.Stage.POLICY, h.host(), where
                        + " publishes " + records.size() + " TLSA record" + (records.size() == 1 ? "" : "s")
                        + ", but " + unsigned + " are not "
                        + "DNSSEC-secure (no chain of trust from the anchors reaches them): senders do not use DANE "
                        + "for " + h.host() + ", so the records protect nothing.")
                        .withEvidence(String.join(", ", records.stream().map(Tlsa::toString).toList())));
                said.add(h.host() + " TLSA not secure");
                continue;
            }
            if (records.stream().noneMatch(Tlsa::usable)) {
                findings.add(Finding.of(FindingCode.DANE_TLSA_UNUSABLE, Finding.Stage.POLICY, h.host(), where
                        + " has no record an SMTP sender uses (only usages 0 and 1, or unknown selectors and "
                        + "matching types): DANE senders insist on TLS to " + h.host() + " but cannot authenticate it.")
                        .withEvidence(String.join(", ", records.stream().map(Tlsa::toString).toList())));
                said.add(h.host() + " TLSA unusable");
                continue;
            }
            if (handshaker.isEmpty()) {
                said.add(h.host() + " TLSA secure (certificate not compared)");
                continue;
            }
            List<CompletableFuture<Presented>> started = new ArrayList<>();
            for (InetAddress address : h.addresses()) {
                started.add(CompletableFuture.supplyAsync(() -> handshaker.get().presented(h.host(), address,
                        deadline), executor));
            }
            handshakes.put(h, started);
        }
        for (Map.Entry<HostDns, List<CompletableFuture<Presented>>> e : handshakes.entrySet()) {
            HostDns h = e.getKey();
            List<InetAddress> addresses = h.addresses();
            int matched = 0;
            int compared = 0;
            for (int i = 0; i < addresses.size(); i++) {
                String address = Addresses.text(addresses.get(i));
                Presented p = e.getValue().get(i).join();
                switch (p) {
                    case Presented.Unreached u -> { }
                    case Presented.NoTls n -> {
                        compared++;
                        findings.add(Finding.of(FindingCode.DANE_TLS_UNAVAILABLE, Finding.Stage.STARTTLS, h.host(),
                                h.host() + " [" + address + "] publishes DANE TLSA records but " + n.why()
                                        + ": senders that use DANE do not deliver to it (they queue and retry).")
                                .withAddress(address));
                    }
                    case Presented.Tls t -> {
                        compared++;
                        Tlsa.Outcome outcome = Tlsa.match(h.records(), t.facts().chain(), t.facts().namesHost());
                        if (outcome instanceof Tlsa.Outcome.Mismatch m) {
                            String fix = t.facts().chain().isEmpty() ? "" : " Publish `_25._tcp." + h.host()
                                    + ". IN TLSA " + Tlsa.endEntity(t.facts().chain().get(0)).full()
                                    + "` for the certificate it presents (keeping the old record only while "
                                    + "the old certificate may still be served), or put back the certificate "
                                    + "the records name.";
                            findings.add(Finding.of(FindingCode.DANE_TLSA_MISMATCH, Finding.Stage.STARTTLS, h.host(),
                                    "The TLSA records of " + h.host() + " do not match the certificate " + h.host()
                                    + " [" + address + "] presents: " + m.why() + ". Senders that use DANE do not "
                                    + "deliver to it." + fix).withAddress(address)
                                    .withEvidence(t.facts().subject()));
                        } else if (outcome instanceof Tlsa.Outcome.Matched) {
                            matched++;
                        }
                    }
                }
            }
            said.add(h.host() + (compared == 0 ? " TLSA secure (not reached)"
                    : matched == compared ? " TLSA secure and matching" : " TLSA secure, " + (compared - matched)
                    + " of " + compared + " addresses not matching"));
        }
        return new Result(findings, "DANE: " + String.join(", ", said), shown);
    }

    /**
     * When the resolver does not pass DNSSEC records on, every answer looks bogus to the validating stub: nothing can
     * be said of the domain, and calling it bogus would blame the wrong side.
     */
    private Optional<Finding> unverified(String domain, List<InetSocketAddress> servers, Deadline deadline) {
        Optional<Name> anchor = anchorFor.apply(Name.fromConstantString(domain + "."));
        if (anchor.isEmpty()) {
            return Optional.empty();
        }
        Optional<Boolean> passes;
        try {
            passes = signatures.apply(servers, anchor.get()).get(deadline.remaining().toNanos(),
                    java.util.concurrent.TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            passes = Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            passes = Optional.empty();
        }
        if (passes.isEmpty() || passes.get()) {
            return Optional.empty();
        }
        return Optional.of(Finding.of(FindingCode.DANE_UNVERIFIED, Finding.Stage.DNS, domain, "DNSSEC could not be "
                + "checked: asked for " + anchor.get() + " DNSKEY with the DO bit, " + Resolvers.describe(servers)
                + " returns no signatures, so it does not pass DNSSEC records on and every answer looks unsigned "
                + "or broken through it."));
    }

    private static Finding bogus(String host, DnsResult r) {
        String reason = ValidatingDnsClient.bogusReason(r).orElse("no reason given");
        return Finding.of(FindingCode.DNSSEC_BOGUS, Finding.Stage.DNS, host, "The answer to "
                + r.query().describe() + " fails DNSSEC validation (" + reason + "): every validating resolver "
                + "answers SERVFAIL for it, so senders that validate, those using DANE among them, cannot look up "
                + host + " and queue the mail.").withEvidence(reason);
    }

    /**
     * For {@code mx}: what its probes already saw on each address, so that DANE is judged without a second
     * connection. An address dialled once for several MX names answers for all of them.
     */
    static Handshaker fromProbes(List<AddressProbe> probes) {
        return (host, address, deadline) -> {
            String a = Addresses.text(address);
            Optional<AddressProbe> seen = probes.stream().filter(p -> p.address().equals(a)
                    && p.host().equalsIgnoreCase(host)).findFirst()
                    .or(() -> probes.stream().filter(p -> p.address().equals(a)).findFirst());
            if (seen.isEmpty()) {
                return new Presented.Unreached("not probed");
            }
            AddressProbe p = seen.get();
            if (p.tls().isPresent()) {
                return new Presented.Tls(p.tls().get());
            }
            if (p.tlsFailure().isPresent()) {
                return new Presented.NoTls("STARTTLS failed (" + p.tlsFailure().get() + ")");
            }
            if (p.capabilities().isPresent() && !p.capabilities().get().has("STARTTLS")) {
                return new Presented.NoTls("it does not offer STARTTLS");
            }
            return new Presented.Unreached(p.failure().orElse(p.outcome().label()));
        };
    }

    /**
     * {@code mx}'s verdict with DANE: a host that DANE senders will not deliver to makes mail to the domain fail for
     * them, however well it goes for everyone else.
     */
    static Verdict verdict(Verdict without, String domain, List<Finding> findings) {
        Optional<Finding> blocking = findings.stream().filter(f -> f.severity() == Severity.CRITICAL
                && (f.code() == FindingCode.DANE_TLSA_MISMATCH || f.code() == FindingCode.DANE_TLS_UNAVAILABLE
                || f.code() == FindingCode.DNSSEC_BOGUS)).findFirst();
        if (blocking.isEmpty() || without.status() == Verdict.Status.FAILING) {
            return without;
        }
        Finding f = blocking.get();
        String why = switch (f.code()) {
            case DANE_TLSA_MISMATCH -> "the TLSA records of " + f.host() + " do not match the certificate it "
                    + "presents";
            case DANE_TLS_UNAVAILABLE -> f.host() + " publishes TLSA records but STARTTLS does not work there";
            default -> "DNSSEC validation fails for " + f.host();
        };
        return new Verdict(Verdict.Status.FAILING, "Mail to " + domain + " fails from senders that use DANE: " + why
                + ", so they queue it and bounce it in the end. Senders without DANE are not affected: "
                + without.summary());
    }

    /** The real handshaker: greeting, EHLO, STARTTLS, the handshake, QUIT; never MAIL. */
    static Handshaker smtp(SmtpSettings smtp, TranscriptRecorder transcript, LongSupplier nanoTime) {
        return (host, address, deadline) -> {
            String text = Addresses.text(address);
            var listener = transcript.listener(host, text);
            InetSocketAddress target = new InetSocketAddress(address, smtp.port());
            SmtpSession session;
            try {
                session = SmtpSession.connect(smtp.dialer(), target, deadline.cap(smtp.timeouts().connect()),
                        listener, nanoTime);
            } catch (TargetNotAllowedException e) {
                listener.note("not asked: " + e.getMessage());
                return new Presented.Unreached(e.getMessage());
            } catch (IOException e) {
                String why = Dialogue.ConnectFailure.of(e, target, deadline.cap(smtp.timeouts().connect())).why();
                listener.note(why);
                return new Presented.Unreached(why);
            }
            try {
                SmtpReply greeting = session.readReply(deadline.cap(smtp.timeouts().greeting()));
                if (!greeting.isPositive()) {
                    return new Presented.Unreached("it refused service: " + greeting.oneLine());
                }
                SmtpReply ehlo = session.command("EHLO " + smtp.helo(), deadline.cap(smtp.timeouts().command()));
                if (!ehlo.isPositive() || !Capabilities.parse(ehlo).has("STARTTLS")) {
                    return new Presented.NoTls("it does not offer STARTTLS");
                }
                SmtpReply ready = session.command("STARTTLS", deadline.cap(smtp.timeouts().command()));
                if (ready.code() != 220) {
                    return new Presented.NoTls("it answered STARTTLS with " + ready.oneLine());
                }
                TlsFacts facts;
                try {
                    facts = session.startTls(smtp.tls(), host, deadline.cap(smtp.timeouts().command()));
                } catch (IOException e) {
                    listener.note("TLS handshake failed: " + e.getMessage());
                    return new Presented.NoTls("the TLS handshake failed after 220 to STARTTLS ("
                            + e.getMessage() + ")");
                }
                try {
                    session.command("QUIT", deadline.cap(smtp.timeouts().command()));
                } catch (IOException e) {
                    listener.note("QUIT unanswered: " + e.getMessage()); // the certificate is what was asked
                }
                return new Presented.Tls(facts);
            } catch (IOException | RuntimeException e) {
                String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
                listener.note("ended: " + why);
                return new Presented.Unreached("the dialogue ended before TLS: " + why);
            } finally {
                session.close();
            }
        };
    }

}
