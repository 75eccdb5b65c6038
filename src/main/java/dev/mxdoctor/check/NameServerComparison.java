package dev.mxdoctor.check;

import dev.mxdoctor.diagnosis.DnsStatus;
import dev.mxdoctor.diagnosis.MxEvidence;
import dev.mxdoctor.dns.Addresses;
import dev.mxdoctor.dns.DnsQuery;
import dev.mxdoctor.dns.DnsResult;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Type;

/**
 * Asks each authoritative name server of the domain's zone directly for the domain's MX records and the zone's
 * SOA serial, so that a stale secondary or an unfinished migration shows up (RFC 1034 4.3.5).
 *
 * <p>Only IPv4 addresses of the name servers are asked: a machine without an IPv6 route would otherwise report
 * every IPv6 name server as unresponsive.
 */
final class NameServerComparison {

    /** At most this many name server addresses are asked; real zones rarely have more. */
    static final int MAX_ADDRESSES = 12;

    private final int port;
    private final java.util.function.Predicate<InetAddress> mayAsk;

    /**
     * @param port where name servers listen: 53, or the lab's port in tests
     * @param mayAsk whether an address found in DNS may be asked (glue can point anywhere, private networks too)
     */
    NameServerComparison(int port, java.util.function.Predicate<InetAddress> mayAsk) {
        this.port = port;
        this.mayAsk = mayAsk;
    }

    List<MxEvidence.NameServer> compare(Name domain, List<InetSocketAddress> resolvers,
            CompletableFuture<DnsResult> nsOfDomain, DnsTrace trace, Deadline deadline) {
        DnsResult ns = trace.await(nsOfDomain, DnsQuery.recursive(resolvers, domain, Type.NS), deadline);
        Name zone = domain;
        if (!(ns instanceof DnsResult.Answer)) {
            Optional<SOARecord> soa = switch (ns) {
                case DnsResult.NoData n -> n.soa();
                case DnsResult.NxDomain n -> n.soa();
                default -> Optional.empty();
            };
            if (soa.isEmpty() || soa.get().getName().equals(domain)) {
                return List.of();
            }
            zone = soa.get().getName();
            ns = trace.ask(DnsQuery.recursive(resolvers, zone, Type.NS), deadline);
        }
        Map<String, List<InetAddress>> addresses = addressesOf(ns, resolvers, trace, deadline);
        List<Asked> asked = new ArrayList<>();
        for (Map.Entry<String, List<InetAddress>> e : addresses.entrySet()) {
            for (InetAddress a : e.getValue()) {
                if (asked.size() >= MAX_ADDRESSES) {
                    break;
                }
                if (!mayAsk.test(a)) {
                    continue; // not asked, so not compared: the policy's refusal is no finding about the zone
                }
                InetSocketAddress server = new InetSocketAddress(a, port);
                DnsQuery mxq = DnsQuery.authoritative(server, domain, Type.MX);
                DnsQuery soaq = DnsQuery.authoritative(server, zone, Type.SOA);
                asked.add(new Asked(e.getKey(), Addresses.text(a), mxq, trace.query(mxq), soaq, trace.query(soaq)));
            }
        }
        List<MxEvidence.NameServer> out = new ArrayList<>();
        for (Asked q : asked) {
            DnsResult mx = trace.await(q.mx, q.mxQuery, deadline);
            DnsResult soa = trace.await(q.soa, q.soaQuery, deadline);
            List<String> mxRecords = mx.records(Type.MX).stream()
                    .map(r -> (MXRecord) r)
                    .map(r -> r.getPriority() + " " + MxCheck.stripDot(r.getTarget().toString().toLowerCase()))
                    .sorted()
                    .toList();
            OptionalLong serial = soa.records(Type.SOA).stream()
                    .mapToLong(r -> ((SOARecord) r).getSerial()).findFirst();
            DnsStatus status = DnsStatuses.of(mx);
            out.add(new MxEvidence.NameServer(q.name, q.address, status, mxRecords, serial));
        }
        return out;
    }

    private static Map<String, List<InetAddress>> addressesOf(DnsResult ns, List<InetSocketAddress> resolvers,
            DnsTrace trace, Deadline deadline) {
        return addressesOf(ns.records(Type.NS).stream().map(r -> (NSRecord) r).toList(),
                ns.reply().map(r -> r.additionalSection()).orElse(List.of()), resolvers, trace, deadline);
    }

    /**
     * Each name server's IPv4 addresses, by name in order: the glue where the answer carried it, else asked of the
     * resolvers (all at once).
     */
    static Map<String, List<InetAddress>> addressesOf(List<NSRecord> ns, List<org.xbill.DNS.Record> glue,
            List<InetSocketAddress> resolvers, DnsTrace trace, Deadline deadline) {
        Map<String, List<InetAddress>> out = new LinkedHashMap<>();
        List<Name> names = ns.stream().map(NSRecord::getTarget).sorted().toList();
        Map<Name, CompletableFuture<DnsResult>> pending = new LinkedHashMap<>();
        for (Name n : names) {
            List<InetAddress> given = glue.stream()
                    .filter(r -> r.getType() == Type.A && r.getName().equals(n))
                    .map(r -> ((ARecord) r).getAddress())
                    .toList();
            if (!given.isEmpty()) {
                out.put(MxCheck.stripDot(n.toString()), given);
            } else {
                pending.put(n, trace.query(DnsQuery.recursive(resolvers, n, Type.A)));
            }
        }
        for (Map.Entry<Name, CompletableFuture<DnsResult>> e : pending.entrySet()) {
            DnsResult a = trace.await(e.getValue(), DnsQuery.recursive(resolvers, e.getKey(), Type.A), deadline);
            List<InetAddress> list = a.records(Type.A).stream().map(r -> ((ARecord) r).getAddress()).toList();
            out.put(MxCheck.stripDot(e.getKey().toString()), list);
        }
        return out;
    }

    private record Asked(String name, String address, DnsQuery mxQuery, CompletableFuture<DnsResult> mx,
            DnsQuery soaQuery, CompletableFuture<DnsResult> soa) {}
}
