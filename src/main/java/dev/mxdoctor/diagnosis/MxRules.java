package dev.mxdoctor.diagnosis;

import dev.mxdoctor.diagnosis.DnsStatus.Outcome;
import dev.mxdoctor.diagnosis.Finding.Stage;
import dev.mxdoctor.diagnosis.MxEvidence.Host;
import dev.mxdoctor.diagnosis.MxEvidence.NameServer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.stream.Collectors;

/** The DNS rules of the {@code mx} check: pure functions from {@link MxEvidence} to findings. RFC 5321 5.1. */
public final class MxRules {

    private MxRules() {}

    /** Every finding DNS alone supports, most important first within each rule. */
    public static List<Finding> findings(MxEvidence e) {
        List<Finding> out = new ArrayList<>();
        lookupFailure(e.mxLookup(), e.domain(), null)
                .map(f -> e.delegation().filter(d -> !d.path().isEmpty())
                        .map(d -> f.withEvidence("delegation: " + String.join(" → ", d.path()))).orElse(f))
                .ifPresent(out::add);
        if (!e.mxLookup().isAnswer() && e.mxLookup().outcome() != Outcome.NODATA) {
            e.delegation().flatMap(MxEvidence.Delegation::uncheckedMx).ifPresent(mx -> out.add(0, Finding.of(
                    FindingCode.DNSSEC_BOGUS, Stage.DNS, null, "The resolver answers SERVFAIL for " + e.domain()
                            + " MX, but with DNSSEC checking disabled (+cd) it answers "
                            + (mx.isEmpty() ? "that there are none" : String.join(", ", mx)) + ": the records are "
                            + "there and their DNSSEC validation fails, at every validating resolver.")));
            List<Finding> servers = nameServerFindings(e);
            boolean noneAnswers = !e.nameServers().isEmpty()
                    && e.nameServers().stream().noneMatch(ns -> ns.mxLookup().outcome().isDefinite());
            if (noneAnswers) {
                // No server of the zone answers: that is the cause, for every resolver; the look-up failure follows.
                out.addAll(0, servers.stream().map(f -> f.withSeverity(Severity.CRITICAL)).toList());
            } else {
                out.addAll(servers);
            }
            return out;
        }
        if (e.nullMx()) {
            out.add(nullMx(e));
        }
        if (e.mxLookup().outcome() == Outcome.NODATA) {
            out.add(noMx(e));
        }
        for (Host h : e.hosts()) {
            hostFindings(h).forEach(out::add);
        }
        equalPreferences(e).forEach(out::add);
        ipv6Only(e).ifPresent(out::add);
        singleHost(e).ifPresent(out::add);
        out.addAll(nameServerFindings(e));
        return out;
    }

    /** The finding a failed look-up deserves, if it failed; {@code host} null for the domain itself. */
    static java.util.Optional<Finding> lookupFailure(DnsStatus status, String name,
            @org.jspecify.annotations.Nullable String host) {
        Finding f = switch (status.outcome()) {
            case ANSWER, NODATA -> null;
            case NXDOMAIN -> host == null
                    ? Finding.of(FindingCode.DOMAIN_NXDOMAIN, Stage.DNS, null,
                            name + " does not exist: " + status.detail() + ".")
                    : null; // a host without a name is MX_TARGET_NO_ADDRESS, reported with the host
            case SERVFAIL -> Finding.of(FindingCode.DNS_SERVFAIL, Stage.DNS, host,
                    "Looking up " + name + ": " + status.detail() + ".");
            case TIMEOUT -> Finding.of(FindingCode.DNS_TIMEOUT, Stage.DNS, host,
                    "Looking up " + name + ": " + status.detail() + ".");
            case REFUSED -> Finding.of(FindingCode.DNS_REFUSED, Stage.DNS, host,
                    "Looking up " + name + ": " + status.detail() + ".");
            case REFERRAL -> Finding.of(FindingCode.DNS_REFERRAL, Stage.DNS, host,
                    "Looking up " + name + ": " + status.detail() + ".");
            case ERROR -> Finding.of(FindingCode.DNS_ERROR, Stage.DNS, host,
                    "Looking up " + name + " failed: " + status.detail() + ".");
        };
        if (f != null && host != null && f.severity().compareTo(Severity.WARNING) > 0) {
            f = f.withSeverity(Severity.WARNING); // one host's look-up failing is not the domain failing
        }
        return java.util.Optional.ofNullable(f);
    }

    private static Finding nullMx(MxEvidence e) {
        if (e.hosts().isEmpty()) {
            return Finding.of(FindingCode.MX_NULL, Stage.DNS, null,
                    e.domain() + " publishes a null MX (MX 0 .): it declares that it accepts no mail.")
                    .withEvidence(e.domain() + ". MX 0 .");
        }
        return Finding.of(FindingCode.MX_NULL, Stage.DNS, null,
                e.domain() + " publishes a null MX (MX 0 .) beside other MX records; a null MX must be the only "
                        + "one, so senders may treat the domain as accepting no mail or ignore the null MX.")
                .withSeverity(Severity.ERROR)
                .withAdvice("Remove the null MX record if the domain receives mail, or the other MX records if not.")
                .withEvidence(e.domain() + ". MX 0 .");
    }

    private static Finding noMx(MxEvidence e) {
        boolean hasAddress = e.hosts().stream().anyMatch(h -> h.implicit() && !h.addresses().isEmpty());
        if (hasAddress) {
            Host h = e.hosts().get(0);
            return Finding.of(FindingCode.MX_NONE_IMPLICIT, Stage.DNS, e.domain(),
                    e.domain() + " has no MX records; senders deliver to its own address "
                            + String.join(", ", h.addresses()) + " (implicit MX).")
                    .withEvidence(e.mxLookup().detail());
        }
        String why = e.implicitLookup().map(s -> s.isAnswer() || s.outcome() == Outcome.NODATA
                ? "" : " (the address look-up itself failed: " + s.detail() + ")").orElse("");
        return Finding.of(FindingCode.MX_NONE_NO_ADDRESS, Stage.DNS, e.domain(),
                e.domain() + " has no MX records and no A or AAAA record" + why + ".")
                .withEvidence(e.mxLookup().detail());
    }

    private static List<Finding> hostFindings(Host h) {
        List<Finding> out = new ArrayList<>();
        if (h.ipLiteral()) {
            out.add(Finding.of(FindingCode.MX_TARGET_IP_LITERAL, Stage.DNS, h.name(),
                    "The MX record (preference " + h.preference() + ") names " + h.name()
                            + ", an IP address written as a name.")
                    .withEvidence("MX " + h.preference() + " " + h.name() + "."));
            return out;
        }
        h.alias().ifPresent(target -> out.add(Finding.of(FindingCode.MX_TARGET_CNAME, Stage.DNS, h.name(),
                h.name() + " is an alias (CNAME) for " + target + ".")
                .withEvidence(h.name() + ". CNAME " + target + ".")));
        lookupFailure(h.ipv4(), h.name() + " A", h.name()).ifPresent(out::add);
        lookupFailure(h.ipv6(), h.name() + " AAAA", h.name()).ifPresent(out::add);
        boolean bothDefinite = h.ipv4().outcome().isDefinite() && h.ipv6().outcome().isDefinite();
        if (h.addresses().isEmpty() && bothDefinite && !h.implicit()) {
            String how = h.ipv4().outcome() == Outcome.NXDOMAIN ? "does not exist (NXDOMAIN)" : "has no A or AAAA record";
            out.add(Finding.of(FindingCode.MX_TARGET_NO_ADDRESS, Stage.DNS, h.name(),
                    "MX host " + h.name() + " (preference " + h.preference() + ") " + how + ".")
                    .withEvidence(h.ipv4().detail()));
        }
        return out;
    }

    private static List<Finding> equalPreferences(MxEvidence e) {
        Map<Integer, List<String>> groups = new LinkedHashMap<>();
        for (Host h : e.hosts()) {
            if (!h.implicit()) {
                groups.computeIfAbsent(h.preference(), p -> new ArrayList<>()).add(h.name());
            }
        }
        return groups.entrySet().stream()
                .filter(g -> g.getValue().size() > 1)
                .map(g -> Finding.of(FindingCode.MX_EQUAL_PREFERENCE, Stage.DNS, null,
                        g.getValue().size() + " hosts share preference " + g.getKey() + ": "
                                + String.join(", ", g.getValue()) + "; senders pick among them at random."))
                .toList();
    }

    /** Every MX host with addresses has IPv6 ones only: unreachable for IPv4-only senders. */
    private static java.util.Optional<Finding> ipv6Only(MxEvidence e) {
        List<Host> withAddresses = e.hosts().stream().filter(h -> !h.addresses().isEmpty()).toList();
        if (withAddresses.isEmpty() || withAddresses.stream().anyMatch(h -> h.addresses().stream()
                .anyMatch(a -> !a.contains(":")))) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(Finding.of(FindingCode.MX_IPV6_ONLY, Stage.DNS, null, "Every MX host of "
                + e.domain() + " (" + withAddresses.stream().map(Host::name).collect(
                        java.util.stream.Collectors.joining(", ")) + ") has IPv6 addresses only: senders with IPv4 "
                + "only cannot reach any of them."));
    }

    /**
     * One MX host with one address, and it cannot take mail: only then does having a single MX matter (a single
     * MX is normal; senders queue while it is down), so only then is it said.
     */
    private static java.util.Optional<Finding> singleHost(MxEvidence e) {
        List<Host> real = e.hosts().stream().filter(h -> !h.implicit()).toList();
        if (real.size() != 1 || real.get(0).addresses().size() != 1 || real.get(0).attempted().isEmpty()
                || !real.get(0).unusable()) {
            return java.util.Optional.empty();
        }
        Host h = real.get(0);
        return java.util.Optional.of(Finding.of(FindingCode.MX_SINGLE_HOST, Stage.CONNECT, h.name(),
                "All mail for " + e.domain() + " goes to " + h.name() + ", whose one address cannot take mail now ("
                        + h.failure() + "); there is no other host, so senders hold the mail in their queues and "
                        + "retry."));
    }

    /** What an indefinite reply from a name server the zone is delegated to makes of it. */
    private static String lame(Outcome o) {
        return switch (o) {
            case REFUSED, SERVFAIL, REFERRAL -> " (lame: it is named for the zone but does not serve it)";
            default -> "";
        };
    }

    private static List<Finding> nameServerFindings(MxEvidence e) {
        List<Finding> out = new ArrayList<>();
        List<NameServer> answered = new ArrayList<>();
        for (NameServer ns : e.nameServers()) {
            if (ns.mxLookup().outcome().isDefinite()) {
                answered.add(ns);
            } else {
                out.add(Finding.of(FindingCode.DNS_NS_UNRESPONSIVE, Stage.DNS, ns.name(),
                        "Name server " + ns.name() + " (" + ns.address() + "), asked directly for " + e.domain()
                                + " MX: " + ns.mxLookup().detail() + lame(ns.mxLookup().outcome()) + ".")
                        .withAddress(ns.address()));
            }
        }
        Map<List<String>, List<NameServer>> byMx = answered.stream()
                .collect(Collectors.groupingBy(NameServer::mxRecords, LinkedHashMap::new, Collectors.toList()));
        Map<OptionalLong, List<NameServer>> bySerial = answered.stream()
                .filter(ns -> ns.soaSerial().isPresent())
                .collect(Collectors.groupingBy(NameServer::soaSerial, LinkedHashMap::new, Collectors.toList()));
        if (byMx.size() > 1 || bySerial.size() > 1) {
            StringBuilder detail = new StringBuilder("Asked directly, the name servers of " + e.domain()
                    + " disagree:");
            for (NameServer ns : answered) {
                detail.append("\n  ").append(ns.name()).append(" (").append(ns.address()).append("): MX ")
                        .append(ns.mxRecords().isEmpty() ? "none" : String.join(", ", ns.mxRecords()))
                        .append(ns.soaSerial().isPresent() ? "; SOA serial " + ns.soaSerial().getAsLong() : "");
            }
            String what = byMx.size() > 1 && bySerial.size() > 1 ? "MX answers and SOA serials differ"
                    : byMx.size() > 1 ? "MX answers differ" : "SOA serials differ (the MX answers agree for now)";
            Finding f = Finding.of(FindingCode.DNS_ANSWERS_DIFFER, Stage.DNS, null, detail.toString())
                    .withEvidence(what);
            out.add(byMx.size() > 1 ? f : f.withSeverity(Severity.INFO));
        }
        return out;
    }
}
