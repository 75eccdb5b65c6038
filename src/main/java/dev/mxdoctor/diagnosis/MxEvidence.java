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
 */
public record MxEvidence(
        String domain,
        String resolver,
        DnsStatus mxLookup,
        List<Host> hosts,
        boolean nullMx,
        Optional<DnsStatus> implicitLookup,
        List<NameServer> nameServers) {

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
            long ttl) {
        public Host {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(alias, "alias");
            addresses = List.copyOf(addresses);
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
