package dev.mxdoctor.check;

import dev.mxdoctor.command.Names;
import dev.mxdoctor.diagnosis.AddressProbe.ReverseDns;
import dev.mxdoctor.dns.DnsQuery;
import dev.mxdoctor.dns.DnsResult;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import dev.mxdoctor.diagnosis.DnsStatus;
import dev.mxdoctor.report.ErrorId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import java.util.concurrent.ExecutorService;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Type;

/**
 * An address's reverse DNS, looked up while it is probed: its PTR names and whether one of them resolves back to
 * it (forward-confirmed, what receivers check of a sending MTA, and what a mail host's own PTR should satisfy).
 */
final class ReverseLookups {

    private static final Logger LOG = LoggerFactory.getLogger(ReverseLookups.class);

    private final DnsTrace trace;
    private final List<InetSocketAddress> servers;
    private final ExecutorService executor;

    ReverseLookups(DnsTrace trace, List<InetSocketAddress> servers, ExecutorService executor) {
        this.trace = trace;
        this.servers = servers;
        this.executor = executor;
    }

    /** Starts the look-up; the future never fails (a failure inside mxdoctor is an ERROR status, logged). */
    CompletableFuture<ReverseDns> start(String address, Deadline deadline) {
        return CompletableFuture.supplyAsync(() -> lookup(address, deadline), executor).exceptionally(e -> {
            String id = ErrorId.next();
            LOG.error("reverse DNS of {} failed, error id {}", address, id, e);
            return new ReverseDns(new DnsStatus(DnsStatus.Outcome.ERROR, "the reverse look-up of " + address
                    + " failed inside mxdoctor (error id " + id + ")"), List.of(), false);
        });
    }

    private ReverseDns lookup(String address, Deadline deadline) {
        InetAddress ip = Names.ipLiteral(address).orElseThrow();
        Name reverse = Name.fromConstantString(Names.reverseName(ip).ascii() + ".");
        DnsResult ptr = trace.ask(DnsQuery.recursive(servers, reverse, Type.PTR), deadline);
        List<String> names = new ArrayList<>();
        ptr.records(Type.PTR).forEach(r -> names.add(MxCheck.stripDot(((PTRRecord) r).getTarget().toString())));
        boolean confirmed = false;
        int type = ip instanceof Inet6Address ? Type.AAAA : Type.A;
        for (String n : names) {
            Optional<Name> forwardName = hostName(n);
            if (forwardName.isEmpty()) {
                continue; // a PTR to the root or to something that is no host name confirms nothing
            }
            DnsResult forward = trace.ask(DnsQuery.recursive(servers, forwardName.get(), type), deadline);
            confirmed |= forward.records(type).stream().anyMatch(r -> (r instanceof ARecord a
                    ? a.getAddress() : ((AAAARecord) r).getAddress()).equals(ip));
        }
        return new ReverseDns(DnsStatuses.of(ptr), names, confirmed);
    }

    /** The absolute name of a PTR target, unless it is the root or not a valid name. */
    static Optional<Name> hostName(String ptrTarget) {
        if (ptrTarget.isEmpty() || ptrTarget.equals(".")) {
            return Optional.empty();
        }
        try {
            return Optional.of(Name.fromString(ptrTarget, Name.root));
        } catch (org.xbill.DNS.TextParseException e) {
            return Optional.empty();
        }
    }

}
