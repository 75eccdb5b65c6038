package dev.mxdoctor.diagnosis;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Everything the {@code mx} check saw, as plain values: what the resolver said about the domain's MX records,
 * each mail host with its addresses, and what the zone's own name servers say when asked directly.
 *
 * @param hosts MX hosts in preference order (the implicit MX when there are no MX records); never the null MX
 * @param nullMx whether an {@code MX 0 .} record was among the answers
 * @param implicitLookup the domain's own address look-up when it has no MX records
 * @param nameServers the zone's name servers asked directly (when the resolver failed: the servers the delegation
 *     leads to)
 * @param delegation the delegation as mxdoctor walked it itself, when the resolver could not answer
 */
public record MxEvidence(
        String domain,
        String resolver,
        DnsStatus mxLookup,
        List<Host> hosts,
        boolean nullMx,
        Optional<DnsStatus> implicitLookup,
        List<NameServer> nameServers,
        Optional<Delegation> delegation) {

    /** Evidence of a run whose resolver answered (no delegation walked). */
    public MxEvidence(String domain, String resolver, DnsStatus mxLookup, List<Host> hosts, boolean nullMx,
            Optional<DnsStatus> implicitLookup, List<NameServer> nameServers) {
        this(domain, resolver, mxLookup, hosts, nullMx, implicitLookup, nameServers, Optional.empty());
    }

    /**
     * The delegation followed zone by zone ("lab.test (ns1.lab.test [192.0.2.53])", then the next zone), and, when
     * the resolver answered SERVFAIL, its MX answer with DNSSEC checking disabled, if it gave one.
     */
    public record Delegation(List<String> path, Optional<List<String>> uncheckedMx) {
        public Delegation {
            path = List.copyOf(path);
        }
    }

    public MxEvidence {
        Objects.requireNonNull(domain, "domain");
        Objects.requireNonNull(mxLookup, "mxLookup");
        hosts = List.copyOf(hosts);
        Objects.requireNonNull(implicitLookup, "implicitLookup");
        nameServers = List.copyOf(nameServers);
    }

    /**
     * One mail host.
     *
     * @param implicit the domain itself, used because it has no MX records (RFC 5321 5.1)
     * @param ipLiteral the MX target is an IP address written as a name, so it was not looked up
     * @param alias the name the target is a CNAME for, if it is one
     * @param ipv4 the A look-up; {@code ipv6} the AAAA look-up
     * @param ttl the MX record's TTL in seconds (the address record's for an implicit MX)
     */
    public record Host(
            int preference,
            String name,
            boolean implicit,
            boolean ipLiteral,
            Optional<String> alias,
            List<String> addresses,
            DnsStatus ipv4,
            DnsStatus ipv6,
            long ttl,
            List<AddressProbe> probes) {
        public Host {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(alias, "alias");
            addresses = List.copyOf(addresses);
            probes = List.copyOf(probes);
        }

        public Host withProbes(List<AddressProbe> newProbes) {
            return new Host(preference, name, implicit, ipLiteral, alias, addresses, ipv4, ipv6, ttl, newProbes);
        }

        /** The probes that were really attempted (not refused by the target policy). */
        public List<AddressProbe> attempted() {
            return probes.stream().filter(p -> !p.outcome().notTried()).toList();
        }

        /** Whether the host was probed and no address of it could take mail. */
        public boolean unusable() {
            List<AddressProbe> tried = attempted();
            return !tried.isEmpty() && tried.stream().allMatch(AddressProbe::unusable);
        }

        /** Why the host is unusable, from its first failed probe: "connection refused". */
        public String failure() {
            return attempted().stream().filter(AddressProbe::unusable).findFirst()
                    .map(p -> p.failure().orElse(p.outcome().label())).orElse("");
        }
    }

    /**
     * One authoritative name server address, asked directly.
     *
     * @param mxRecords its MX answer for the domain, normalised and sorted ("10 mx1.example.com")
     * @param soaSerial its SOA serial for the zone, when it gave one
     */
    public record NameServer(String name, String address, DnsStatus mxLookup, List<String> mxRecords,
            OptionalLong soaSerial) {
        public NameServer {
            mxRecords = List.copyOf(mxRecords);
        }

        /** "no answer", "lame (REFUSED)", "MX 10 mx1.example.com": what asking it directly showed. */
        public String said() {
            return switch (mxLookup.outcome()) {
                case TIMEOUT, ERROR -> "no answer";
                case REFUSED -> "lame (REFUSED)";
                case SERVFAIL -> "lame (SERVFAIL)";
                case REFERRAL -> "lame (a referral, not an answer)";
                case NXDOMAIN -> "the name does not exist";
                case ANSWER, NODATA -> mxRecords.isEmpty() ? "no MX" : "MX " + String.join(", ", mxRecords);
            };
        }
    }

    public MxEvidence withHosts(List<Host> newHosts) {
        return new MxEvidence(domain, resolver, mxLookup, newHosts, nullMx, implicitLookup, nameServers, delegation);
    }

    /** Every probe of every host. */
    public List<AddressProbe> probes() {
        return hosts.stream().flatMap(h -> h.probes().stream()).toList();
    }

    /** The hosts of the most preferred group. */
    public List<Host> primaryGroup() {
        if (hosts.isEmpty()) {
            return List.of();
        }
        int best = hosts.get(0).preference();
        return hosts.stream().filter(h -> h.preference() == best).toList();
    }
}
