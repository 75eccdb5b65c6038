package dev.mxdoctor.dns;

import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.LongSupplier;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * Asks real DNS servers with dnsjava: per-attempt timeout, retries, fail-over to the next server on silence, and
 * TCP when a UDP reply comes back truncated. Each outcome is classified into a {@link DnsResult}.
 */
public final class UpstreamDnsClient implements DnsClient {

    private final Duration attemptTimeout;
    private final int attemptsPerServer;
    private final Executor executor;
    private final LongSupplier nanoTime;

    /**
     * @param attemptTimeout how long one attempt waits for a reply
     * @param attemptsPerServer tries per server before moving to the next one
     * @param executor where replies are processed
     * @param nanoTime monotonic clock for round-trip times
     */
    public UpstreamDnsClient(Duration attemptTimeout, int attemptsPerServer, Executor executor, LongSupplier nanoTime) {
        if (attemptsPerServer < 1) {
            throw new IllegalArgumentException("attemptsPerServer must be at least 1");
        }
        this.attemptTimeout = attemptTimeout;
        this.attemptsPerServer = attemptsPerServer;
        this.executor = executor;
        this.nanoTime = nanoTime;
    }

    @Override
    public CompletableFuture<DnsResult> query(DnsQuery query) {
        return attempt(query, 0, nanoTime.getAsLong(), Optional.empty());
    }

    /**
     * Tries the servers in order, as a stub resolver does: on silence after its attempts, and on a failure (SERVFAIL,
     * REFUSED, an unreachable port, a malformed reply), the next server is asked. When every server failed, the first
     * failure that came with a reason is the outcome: it says more than the last server's silence.
     */
    private CompletableFuture<DnsResult> attempt(DnsQuery query, int attemptNo, long startedNanos,
            Optional<DnsResult> firstFailure) {
        List<InetSocketAddress> servers = query.servers();
        int serverIndex = attemptNo / attemptsPerServer;
        if (serverIndex >= servers.size()) {
            return CompletableFuture.completedFuture(firstFailure.orElseGet(() -> new DnsResult.TimedOut(
                    query, Duration.ofNanos(nanoTime.getAsLong() - startedNanos), attemptNo)));
        }
        InetSocketAddress server = servers.get(serverIndex);
        return exchange(query, server, false)
                .thenCompose(result -> {
                    if (result == null) {
                        return attempt(query, attemptNo + 1, startedNanos, firstFailure);
                    }
                    boolean failed = result instanceof DnsResult.ServFail || result instanceof DnsResult.Refused
                            || result instanceof DnsResult.Failed;
                    if (failed && serverIndex + 1 < servers.size()) {
                        return attempt(query, (serverIndex + 1) * attemptsPerServer, startedNanos,
                                firstFailure.or(() -> Optional.of(result)));
                    }
                    return CompletableFuture.completedFuture(failed ? firstFailure.orElse(result) : result);
                });
    }

    /** One attempt at one server; completes with null when the server stayed silent. */
    private CompletableFuture<DnsResult> exchange(DnsQuery query, InetSocketAddress server, boolean tcp) {
        SimpleResolver resolver = new SimpleResolver(server);
        resolver.setTimeout(attemptTimeout);
        resolver.setTCP(tcp);
        resolver.setIgnoreTruncation(true); // we retry over TCP ourselves, to know that it happened
        Message message = Message.newQuery(Record.newRecord(query.name(), query.type(), query.dclass()));
        if (!query.recursive()) {
            message.getHeader().unsetFlag(Flags.RD);
        }
        if (query.checkingDisabled()) {
            message.getHeader().setFlag(Flags.CD);
        }
        long start = nanoTime.getAsLong();
        return resolver.sendAsync(message, executor).toCompletableFuture()
                .handle((response, error) -> {
                    Duration rtt = Duration.ofNanos(nanoTime.getAsLong() - start);
                    if (error != null) {
                        Throwable cause = error instanceof CompletionException && error.getCause() != null
                                ? error.getCause() : error;
                        if (cause instanceof SocketTimeoutException) {
                            return CompletableFuture.<DnsResult>completedFuture(null);
                        }
                        return CompletableFuture.<DnsResult>completedFuture(new DnsResult.Failed(query,
                                DnsResult.describe(server) + ": " + describe(cause), Optional.empty()));
                    }
                    if (!tcp && response.getHeader().getFlag(Flags.TC)) {
                        return exchange(query, server, true);
                    }
                    return CompletableFuture.completedFuture(classify(query, response, server, rtt, tcp));
                })
                .thenCompose(f -> f);
    }

    private static String describe(Throwable t) {
        if (t instanceof java.net.PortUnreachableException) {
            return "port unreachable (nothing listens there)";
        }
        String message = t.getMessage();
        return t.getClass().getSimpleName() + (message == null ? "" : " (" + message + ")");
    }

    /** Sorts a reply into its outcome. Pure; package-private for tests. */
    static DnsResult classify(DnsQuery query, Message response, InetSocketAddress server, Duration rtt, boolean tcp) {
        List<Record> answer = response.getSection(Section.ANSWER);
        List<Record> authority = response.getSection(Section.AUTHORITY);
        ServerReply reply = new ServerReply(server, rtt, tcp,
                response.getHeader().getFlag(Flags.AA),
                response.getHeader().getFlag(Flags.AD),
                answer, response.getSection(Section.ADDITIONAL));
        Optional<SOARecord> soa = authority.stream()
                .filter(r -> r.getType() == Type.SOA).map(r -> (SOARecord) r).findFirst();
        int rcode = response.getRcode();
        return switch (rcode) {
            case Rcode.NXDOMAIN -> new DnsResult.NxDomain(query, soa, reply);
            case Rcode.SERVFAIL -> new DnsResult.ServFail(query, reply);
            case Rcode.REFUSED -> new DnsResult.Refused(query, reply);
            case Rcode.NOERROR -> {
                List<Record> matching = answer.stream().filter(r -> r.getType() == query.type()).toList();
                if (!matching.isEmpty()) {
                    yield new DnsResult.Answer(query, matching, reply);
                }
                List<NSRecord> referral = authority.stream()
                        .filter(r -> r.getType() == Type.NS).map(r -> (NSRecord) r).toList();
                if (answer.isEmpty() && soa.isEmpty() && !referral.isEmpty() && !reply.authoritative()) {
                    yield new DnsResult.Referral(query, referral, reply);
                }
                yield new DnsResult.NoData(query, soa, reply);
            }
            default -> new DnsResult.Failed(query, DnsResult.describe(server) + " answered " + Rcode.string(rcode),
                    Optional.of(reply));
        };
    }
}
