package dev.mxdoctor.diagnosis;

import dev.mxdoctor.diagnosis.DnsStatus.Outcome;
import dev.mxdoctor.diagnosis.MxEvidence.Host;
import dev.mxdoctor.diagnosis.Verdict.Status;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/** The verdict of the {@code mx} check's DNS part: names the one cause that decides where mail goes. */
public final class MxVerdict {

    private MxVerdict() {}

    /**
     * When the resolver failed and mxdoctor followed the delegation itself: whose failure it is. DNSSEC that does
     * not validate, or name servers that do not answer, fail at every resolver; name servers that answer put the
     * fault on the resolver.
     */
    static Optional<Verdict> delegationVerdict(MxEvidence e) {
        if (e.delegation().isEmpty()) {
            return Optional.empty();
        }
        MxEvidence.Delegation walk = e.delegation().get();
        String d = e.domain();
        String how = switch (e.mxLookup().outcome()) {
            case SERVFAIL -> "answers SERVFAIL";
            case TIMEOUT -> "does not answer";
            case REFERRAL -> "does not recurse (it hands back a referral)";
            default -> "fails";
        };
        if (walk.uncheckedMx().isPresent()) {
            return Optional.of(new Verdict(Status.FAILING, "Mail to " + d + " is held up at every resolver that "
                    + "validates DNSSEC (most of them): its records are there (with checking disabled the resolver "
                    + "answers), but their signatures do not validate; senders queue the mail and retry. Fix the "
                    + "signatures or the DS record at the parent."));
        }
        List<MxEvidence.NameServer> servers = e.nameServers();
        if (servers.isEmpty()) {
            return Optional.empty();
        }
        List<MxEvidence.NameServer> answering = servers.stream().filter(ns -> ns.mxLookup().outcome().isDefinite())
                .toList();
        String list = servers.stream().map(ns -> ns.name() + " [" + ns.address() + "]: " + ns.said())
                .collect(Collectors.joining("; "));
        if (answering.isEmpty()) {
            return Optional.of(new Verdict(Status.FAILING, "Mail to " + d + " is held up at every resolver, not "
                    + "only this one: the name servers it is delegated to do not answer for it (" + list + "), so "
                    + "no sender can find its mail hosts; they queue the mail and retry until they give up. Fix "
                    + "those servers or the delegation at the registrar."));
        }
        return Optional.of(new Verdict(Status.INCONCLUSIVE, "The resolver " + e.resolver() + " " + how + " for "
                + d + ", but asked directly its name servers answer (" + list + "): the resolver is the problem, "
                + "not the domain; ask through another resolver (@resolver)."));
    }

    public static Verdict of(MxEvidence e, List<Finding> findings) {
        String d = e.domain();
        DnsStatus mx = e.mxLookup();
        Optional<Verdict> walked = delegationVerdict(e);
        if (walked.isPresent()) {
            return walked.get();
        }
        switch (mx.outcome()) {
            case NXDOMAIN:
                return new Verdict(Status.FAILING, "Mail to " + d + " cannot be delivered: the domain does not "
                        + "exist (" + mx.detail() + ").");
            case SERVFAIL:
                return new Verdict(Status.FAILING, "Mail to " + d + " is held up: its MX records cannot be looked "
                        + "up (" + mx.detail() + "); senders queue the mail and retry until DNS answers again.");
            case TIMEOUT:
                return new Verdict(Status.INCONCLUSIVE, "No answer for " + d + "'s MX records in time ("
                        + mx.detail() + "); try another resolver to tell a resolver problem from the domain's.");
            case REFUSED, REFERRAL:
                return new Verdict(Status.INCONCLUSIVE, "The resolver will not resolve " + d + " for mxdoctor ("
                        + mx.detail() + "); point it at a recursive resolver that serves it.");
            case ERROR:
                return new Verdict(Status.INCONCLUSIVE, "The MX look-up for " + d + " failed (" + mx.detail()
                        + "); check the resolver mxdoctor uses before drawing conclusions about the domain.");
            case ANSWER, NODATA:
                break;
        }
        if (e.nullMx() && e.hosts().isEmpty()) {
            return new Verdict(Status.FAILING, d + " accepts no mail: it publishes a null MX (RFC 7505), so "
                    + "senders bounce at once (556 5.1.10) without trying its addresses.");
        }
        if (mx.outcome() == Outcome.NODATA) {
            List<String> addresses = e.hosts().stream().flatMap(h -> h.addresses().stream()).toList();
            if (addresses.isEmpty()) {
                return new Verdict(Status.FAILING, "Mail to " + d + " cannot be delivered: it has no MX records "
                        + "and no address to fall back to.");
            }
            return new Verdict(Status.DEGRADED, d + " has no MX records, so mail goes to its own address "
                    + String.join(", ", addresses) + " (implicit MX); publish MX records for the real mail servers.");
        }
        List<Host> usable = e.hosts().stream().filter(h -> !h.addresses().isEmpty()).toList();
        if (usable.isEmpty()) {
            boolean unsure = e.hosts().stream().anyMatch(h -> !h.ipLiteral()
                    && !(h.ipv4().outcome().isDefinite() && h.ipv6().outcome().isDefinite()));
            String names = e.hosts().stream().map(Host::name).collect(Collectors.joining(", "));
            return unsure
                    ? new Verdict(Status.INCONCLUSIVE, "The addresses of " + d + "'s MX hosts (" + names
                            + ") could not be looked up; mail is held up while that lasts.")
                    : new Verdict(Status.FAILING, "Mail to " + d + " cannot be delivered: none of its MX hosts ("
                            + names + ") has an address.");
        }
        List<Host> primary = e.primaryGroup();
        if (primary.stream().allMatch(h -> h.addresses().isEmpty())) {
            Host next = usable.get(0);
            return new Verdict(Status.DEGRADED, "The primary MX " + names(primary) + " has no usable address; "
                    + "senders fall back to " + next.name() + " (preference " + next.preference() + ").");
        }
        Optional<Verdict> probed = probeVerdict(e, findings);
        // IPv6 only is the diagnosis whatever mxdoctor's own connectivity, unless the hosts are failing outright.
        if (has(findings, FindingCode.MX_IPV6_ONLY) && probed.map(v -> v.status() != Status.FAILING).orElse(true)) {
            boolean notProbed = probed.map(v -> v.status() == Status.INCONCLUSIVE).orElse(false);
            return new Verdict(Status.DEGRADED, "Mail for " + d + " can reach its MX hosts over IPv6 only: senders "
                    + "with IPv4 only (most of them) cannot deliver; give an MX host an IPv4 address."
                    + (notProbed ? " (mxdoctor could not probe them from here.)" : ""));
        }
        if (probed.isPresent()) {
            return probed.get();
        }
        if (findings.stream().anyMatch(f -> f.code() == FindingCode.DNS_ANSWERS_DIFFER
                && f.severity().compareTo(Severity.WARNING) >= 0)) {
            return new Verdict(Status.DEGRADED, d + "'s name servers disagree about its MX records, so mail goes "
                    + "to different places depending on which server a sender asks.");
        }
        if (e.nullMx()) {
            return new Verdict(Status.DEGRADED, d + " mixes a null MX with real MX records; senders may refuse "
                    + "to deliver.");
        }
        Host first = primary.stream().filter(h -> !h.addresses().isEmpty()).findFirst().orElseThrow();
        String rest = usable.size() > 1 ? ", with " + (usable.size() - 1) + " more MX host"
                + (usable.size() > 2 ? "s" : "") + " to fall back on" : "";
        String answers = e.probes().isEmpty() ? "" : probedSummary(e, findings);
        Optional<AddressProbe> tlsBroken = e.probes().stream().filter(p -> p.tlsFailure().isPresent()).findFirst();
        if (tlsBroken.isPresent()) {
            AddressProbe t = tlsBroken.get();
            return new Verdict(Status.DEGRADED, "Mail for " + d + " goes to " + first.name() + rest + ", but "
                    + "STARTTLS fails at " + t.host() + " (" + t.address() + "): senders that require TLS cannot "
                    + "deliver there, the others deliver late and in clear text.");
        }
        return new Verdict(Status.OK, "Mail for " + d + " goes to " + first.name() + " (preference "
                + first.preference() + ", " + plural(first.addresses().size(), "address", "addresses") + ")"
                + rest + "." + answers);
    }

    /** The verdict the port-25 probes support, when they change the picture DNS gave. */
    private static Optional<Verdict> probeVerdict(MxEvidence e, List<Finding> findings) {
        String d = e.domain();
        List<AddressProbe> probes = e.probes();
        if (probes.isEmpty()) {
            return Optional.empty();
        }
        if (probes.stream().allMatch(p -> p.outcome() == AddressProbe.Outcome.NOT_ALLOWED)) {
            return Optional.of(new Verdict(Status.INCONCLUSIVE, "None of " + d + "'s MX addresses was probed: "
                    + "they are private, loopback or otherwise non-public addresses (MXDOCTOR_ALLOW_TARGETS)."));
        }
        if (probes.stream().allMatch(p -> p.outcome().notTried())
                && probes.stream().anyMatch(p -> p.outcome() == AddressProbe.Outcome.DEADLINE)) {
            return Optional.of(new Verdict(Status.INCONCLUSIVE, "The check ran out of time before " + d + "'s MX "
                    + "hosts answered; run it again with a longer --timeout."));
        }
        if (probes.stream().allMatch(p -> p.outcome().notTried())) {
            return Optional.of(new Verdict(Status.INCONCLUSIVE, "None of " + d + "'s MX addresses could be probed "
                    + "from here (no route to them from this machine, or not allowed by configuration)."));
        }
        if (has(findings, FindingCode.PORT25_BLOCKED_OUTBOUND)) {
            return Optional.of(new Verdict(Status.INCONCLUSIVE, "Every MX host of " + d + " times out on port 25, "
                    + "and so does the control host: outbound port 25 seems blocked where mxdoctor runs; check from "
                    + "another network before blaming " + d + "."));
        }
        List<Host> tried = e.hosts().stream().filter(h -> !h.attempted().isEmpty()).toList();
        if (tried.stream().allMatch(Host::unusable) && ReachabilityRules.allTemporarilyRefused(tried)) {
            return Optional.of(new Verdict(Status.DEGRADED, "Every MX host of " + d + " is refusing connections "
                    + "for now: " + ReachabilityRules.describe(tried) + "; senders queue the mail and retry, and it "
                    + "normally gets through once the load or connection limit eases."));
        }
        if (tried.stream().allMatch(Host::unusable) && tried.stream().flatMap(h -> h.attempted().stream())
                .allMatch(p -> p.outcome() == AddressProbe.Outcome.UNAVAILABLE
                        && p.greeting().map(r -> r.isPermanent()).orElse(false))) {
            return Optional.of(new Verdict(Status.FAILING, "No MX host of " + d + " accepts mail: every one refuses "
                    + "service in its greeting (" + ReachabilityRules.describe(tried) + "), a permanent refusal, so "
                    + "senders bounce the mail."));
        }
        if (tried.stream().allMatch(Host::unusable)) {
            return Optional.of(new Verdict(Status.FAILING, "No MX host of " + d + " can take mail right now: "
                    + ReachabilityRules.describe(tried) + "; senders queue the mail and bounce it after some days."));
        }
        List<Host> primary = e.primaryGroup().stream().filter(h -> !h.attempted().isEmpty()).toList();
        if (!primary.isEmpty() && primary.stream().allMatch(Host::unusable)) {
            Host next = tried.stream().filter(h -> !h.unusable()).findFirst().orElseThrow();
            return Optional.of(new Verdict(Status.DEGRADED, "The primary MX " + ReachabilityRules.describe(primary)
                    + " is down; mail flows via " + next.name() + " (preference " + next.preference() + ")."));
        }
        Optional<AddressProbe> broken = probes.stream()
                .filter(p -> !p.outcome().notTried() && p.unusable()).findFirst();
        if (broken.isPresent()) {
            AddressProbe b = broken.get();
            return Optional.of(new Verdict(Status.DEGRADED, b.host() + "'s address " + b.address() + " cannot take "
                    + "mail (" + b.failure().orElse(b.outcome().label()) + "); senders use the host's other addresses "
                    + "or the next MX, which delays some mail."));
        }
        return Optional.empty();
    }

    private static String probedSummary(MxEvidence e, List<Finding> findings) {
        long tried = e.probes().stream().filter(p -> !p.outcome().notTried()).count();
        String tls = has(findings, FindingCode.TLS_NOT_OFFERED) || has(findings, FindingCode.TLS_HANDSHAKE_FAILED)
                ? "; not every one offers working STARTTLS"
                : e.probes().stream().allMatch(p -> p.tls().isPresent() || p.outcome() != AddressProbe.Outcome.OK)
                        ? ", with STARTTLS" : "";
        return " " + (tried == 1 ? "Its address answers" : "All " + tried + " addresses answer") + " on port 25"
                + tls + ".";
    }

    private static boolean has(List<Finding> findings, FindingCode code) {
        return findings.stream().anyMatch(f -> f.code() == code);
    }

    private static String names(List<Host> hosts) {
        return hosts.stream().map(Host::name).collect(Collectors.joining(" and "));
    }

    static String plural(int n, String one, String many) {
        return n + " " + (n == 1 ? one : many);
    }
}
