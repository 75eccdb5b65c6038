package dev.mxdoctor.check;

import dev.mxdoctor.command.HostPort;
import dev.mxdoctor.diagnosis.Verdict;
import dev.mxdoctor.dns.DnsResult;
import dev.mxdoctor.report.Report;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/** Which DNS servers a run asks: the {@code @resolver} of the command, or the configured ones. */
public final class Resolvers {

    private final List<InetSocketAddress> configured;

    public Resolvers(List<InetSocketAddress> configured) {
        if (configured.isEmpty()) {
            throw new IllegalArgumentException("no DNS resolver configured: set MXDOCTOR_DNS");
        }
        this.configured = List.copyOf(configured);
    }

    /** The servers for this request; a host name after {@code @} is resolved with the system's resolver. */
    public List<InetSocketAddress> servers(Optional<HostPort> spec) throws UnknownHostException {
        if (spec.isEmpty()) {
            return configured;
        }
        HostPort s = spec.get();
        return Arrays.stream(InetAddress.getAllByName(s.host()))
                .map(a -> new InetSocketAddress(a, s.port()))
                .toList();
    }

    /** The report of a run that could not start because the {@code @resolver} it names does not resolve. */
    static Report unknownResolver(String command, String query, String display, HostPort spec,
            Instant started) {
        Verdict v = new Verdict(
                Verdict.Status.INCONCLUSIVE, "The resolver " + spec
                        + " could not be found, so nothing was looked up.");
        return new Report(command, query, display, spec.toString(), started, 0, v, List.of(),
                List.of(), List.of(), List.of(), List.of());
    }

    /** "192.0.2.53, 192.0.2.54" for the report. */
    public static String describe(List<InetSocketAddress> servers) {
        return servers.stream().map(DnsResult::describe).collect(Collectors.joining(", "));
    }
}
