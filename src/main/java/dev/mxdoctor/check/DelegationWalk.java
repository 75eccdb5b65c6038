package dev.mxdoctor.check;

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
import java.util.function.Predicate;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/**
 * When the resolver cannot answer for a domain (SERVFAIL, silence, or a referral because it does not recurse),
 * follows the delegation as {@code dig +trace} does: from the referral, or from the nearest ancestor zone whose name
 * servers the resolver can name, each zone's servers are asked directly for the domain's MX records until the servers
 * of the domain's own zone are reached; each of those is then judged (answers, dead, lame). For SERVFAIL it also asks
 * the resolver with DNSSEC checking disabled: an answer then means validation is what fails.
 */
final class DelegationWalk {

    /** Zone cuts followed at most (a loop of referrals ends here). */
    static final int MAX_HOPS = 8;

    private final int port;
    private final Predicate<InetAddress> mayAsk;

    /**
     * @param port where name servers listen: 53, or a test's port
     * @param mayAsk whether an address found in DNS may be asked (glue can point anywhere)
     */
    DelegationWalk(int port, Predicate<InetAddress> mayAsk) {
        this.port = port;
        this.mayAsk = mayAsk;
    }

    /** What the walk found: the path for people, and the domain's own servers as evidence. */
    record Result(MxEvidence.Delegation delegation, List<MxEvidence.NameServer> servers) {}

    private record Server(String name, InetAddress address) {}

    Result walk(Name domain, DnsResult failed, List<InetSocketAddress> resolvers, DnsTrace trace, Deadline deadline) {
        Optional<CompletableFuture<DnsResult>> unchecked = failed instanceof DnsResult.ServFail
                ? Optional.of(trace.query(DnsQuery.unchecked(resolvers, domain, Type.MX))) : Optional.empty();
        List<String> path = new ArrayList<>();
        Name zone;
        List<Server> servers;
        if (failed instanceof DnsResult.Referral r && !r.nameServers().isEmpty()) {
            zone = r.nameServers().get(0).getName();
            servers = servers(r.nameServers(), glue(r), resolvers, trace, deadline);
        } else {
            Optional<DnsResult.Answer> start = nearestAncestor(domain, resolvers, trace, deadline);
            if (start.isEmpty()) {
                return new Result(new MxEvidence.Delegation(List.of(), uncheckedMx(unchecked, domain, resolvers,
                        trace, deadline)), List.of());
            }
            zone = start.get().records().get(0).getName();
            servers = servers(start.get().records(Type.NS).stream().map(x -> (NSRecord) x).toList(),
                    glue(start.get()), resolvers, trace, deadline);
        }
        List<MxEvidence.NameServer> last = List.of();
        for (int hop = 0; hop < MAX_HOPS && !servers.isEmpty(); hop++) {
            Map<Server, CompletableFuture<DnsResult>> asked = new LinkedHashMap<>();
            for (Server s : servers) {
                asked.put(s, trace.query(DnsQuery.authoritative(new InetSocketAddress(s.address(), port), domain,
                        Type.MX)));
            }
            List<MxEvidence.NameServer> here = new ArrayList<>();
            Optional<DnsResult.Referral> deeper = Optional.empty();
            for (Map.Entry<Server, CompletableFuture<DnsResult>> e : asked.entrySet()) {
                Server s = e.getKey();
                DnsResult r = trace.await(e.getValue(), DnsQuery.authoritative(new InetSocketAddress(s.address(),
                        port), domain, Type.MX), deadline);
                here.add(new MxEvidence.NameServer(s.name(), Addresses.text(s.address()), DnsStatuses.of(r),
                        mxRecords(r), OptionalLong.empty()));
                if (deeper.isEmpty() && r instanceof DnsResult.Referral ref && !ref.nameServers().isEmpty()) {
                    Name cut = ref.nameServers().get(0).getName();
                    // Only a cut below this zone and above (or at) the domain leads on; anything else is lame.
                    if (cut.subdomain(zone) && !cut.equals(zone) && domain.subdomain(cut)) {
                        deeper = Optional.of(ref);
                    }
                }
            }
            boolean referred = deeper.isPresent();
            path.add(MxCheck.stripDot(zone.toString()) + " (" + String.join(", ", here.stream()
                    .map(ns -> ns.name() + " [" + ns.address() + "]" + (ns.mxLookup().outcome().isDefinite()
                            || referred && ns.mxLookup().outcome()
                            == dev.mxdoctor.diagnosis.DnsStatus.Outcome.REFERRAL ? "" : ": " + ns.said()))
                    .toList()) + ")");
            last = here;
            if (deeper.isEmpty()) {
                break;
            }
            zone = deeper.get().nameServers().get(0).getName();
            servers = servers(deeper.get().nameServers(), glue(deeper.get()), resolvers, trace, deadline);
            if (servers.isEmpty()) {
                path.add(MxCheck.stripDot(zone.toString()) + " (no name server with an address mxdoctor may ask)");
                last = List.of();
            }
        }
        return new Result(new MxEvidence.Delegation(path, uncheckedMx(unchecked, domain, resolvers, trace,
                deadline)), last);
    }

    /** The first ancestor zone (closest to the domain) the resolver names servers for. */
    private static Optional<DnsResult.Answer> nearestAncestor(Name domain, List<InetSocketAddress> resolvers,
            DnsTrace trace, Deadline deadline) {
        for (int labels = domain.labels() - 1; labels > 1; labels--) {
            Name ancestor = new Name(domain, domain.labels() - labels);
            DnsResult r = trace.ask(DnsQuery.recursive(resolvers, ancestor, Type.NS), deadline);
            if (r instanceof DnsResult.Answer a && !a.records(Type.NS).isEmpty()) {
                return Optional.of(a);
            }
        }
        return Optional.empty();
    }

    private static List<Record> glue(DnsResult r) {
        return r.reply().map(x -> x.additionalSection()).orElse(List.of());
    }

    /** The servers' addresses (glue where given, else asked of the resolver); only those policy allows. */
    private List<Server> servers(List<NSRecord> ns, List<Record> glue, List<InetSocketAddress> resolvers,
            DnsTrace trace, Deadline deadline) {
        return NameServerComparison.addressesOf(ns, glue, resolvers, trace, deadline).entrySet().stream()
                .flatMap(e -> e.getValue().stream().map(a -> new Server(e.getKey(), a)))
                .filter(s -> mayAsk.test(s.address())).distinct()
                .limit(NameServerComparison.MAX_ADDRESSES).toList();
    }

    private static List<String> mxRecords(DnsResult r) {
        return r.records(Type.MX).stream().map(x -> (MXRecord) x)
                .map(x -> x.getPriority() + " " + MxCheck.stripDot(x.getTarget().toString().toLowerCase()))
                .sorted().toList();
    }

    private static Optional<List<String>> uncheckedMx(Optional<CompletableFuture<DnsResult>> unchecked, Name domain,
            List<InetSocketAddress> resolvers, DnsTrace trace, Deadline deadline) {
        if (unchecked.isEmpty()) {
            return Optional.empty();
        }
        DnsResult r = trace.await(unchecked.get(), DnsQuery.unchecked(resolvers, domain, Type.MX), deadline);
        return r instanceof DnsResult.Answer || r instanceof DnsResult.NoData ? Optional.of(mxRecords(r))
                : Optional.empty();
    }
}
