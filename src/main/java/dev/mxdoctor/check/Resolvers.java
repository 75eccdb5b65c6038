package dev.mxdoctor.check;

import dev.mxdoctor.command.HostPort;
import dev.mxdoctor.diagnosis.Verdict;
import dev.mxdoctor.dns.DnsResult;
import dev.mxdoctor.report.Report;
import dev.mxdoctor.smtp.Cidr;
import dev.mxdoctor.smtp.TargetPolicy;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Which DNS servers a run asks: the {@code @resolver} of the command, or the configured ones. The configured
 * resolvers are trusted; a resolver a user names, and a zone's name servers found in DNS, are asked only when the
 * target policy allows their address and port (53 unless configuration names another): otherwise {@code @10.0.0.5:22}
 * or glue pointing at an internal host would make mxdoctor a scanner of its own network.
 */
public final class Resolvers {

    private final List<InetSocketAddress> configured;
    private final TargetPolicy policy;

    /** @param policy what a user-given resolver or a name server found in DNS may be */
    public Resolvers(List<InetSocketAddress> configured, TargetPolicy policy) {
        if (configured.isEmpty()) {
            throw new IllegalArgumentException("no DNS resolver configured: set MXDOCTOR_DNS");
        }
        this.configured = List.copyOf(configured);
        this.policy = policy;
    }

    /** The policy for DNS servers: any address the target policy allows, on port 53 or one configuration names. */
    public static TargetPolicy policy(List<Cidr> allowedBlocks, List<Integer> allowedPorts) {
        return new TargetPolicy(allowedBlocks, port -> port == HostPort.DNS_PORT || allowedPorts.contains(port));
    }

    /** Whether a name server found in DNS may be asked directly (its port is configuration's, its address not). */
    boolean mayAskNameServer(InetAddress address) {
        return policy.refusal(address).isEmpty();
    }

    /**
     * The servers for this request; a host name after {@code @} is resolved with the system's resolver.
     *
     * @throws Unusable when the named resolver does not resolve or may not be asked
     */
    public List<InetSocketAddress> servers(Optional<HostPort> spec) throws Unusable {
        if (spec.isEmpty()) {
            return configured;
        }
        HostPort s = spec.get();
        List<InetSocketAddress> all;
        try {
            all = Arrays.stream(InetAddress.getAllByName(s.host()))
                    .map(a -> new InetSocketAddress(a, s.port()))
                    .toList();
        } catch (UnknownHostException e) {
            throw new Unusable(s, "could not be found");
        }
        List<InetSocketAddress> allowed = all.stream().filter(a -> policy.refusal(a).isEmpty()).toList();
        if (allowed.isEmpty()) {
            // Says why without saying anything about the host (whether it listens, what it answers).
            throw new Unusable(s, "may not be asked: " + policy.refusal(all.get(0)).orElseThrow());
        }
        return allowed;
    }

    /** A {@code @resolver} that cannot be used; the message says why in words for the user. */
    public static final class Unusable extends Exception {
        private static final long serialVersionUID = 1L;
        private final HostPort spec;

        Unusable(HostPort spec, String why) {
            super("The resolver " + spec + " " + why);
            this.spec = spec;
        }

        @Override
        public String getMessage() {
            return java.util.Objects.requireNonNullElse(super.getMessage(), "unusable resolver");
        }

        /** The report of a run that could not start because of it: nothing was looked up. */
        Report report(String command, String query, String display, Instant started) {
            Verdict v = new Verdict(Verdict.Status.INCONCLUSIVE, getMessage() + ", so nothing was looked up.");
            return new Report(command, query, display, spec.toString(), started, 0, v, List.of(),
                    List.of(), List.of(), List.of(), List.of());
        }
    }

    /** "192.0.2.53, 192.0.2.54" for the report. */
    public static String describe(List<InetSocketAddress> servers) {
        return servers.stream().map(DnsResult::describe).collect(Collectors.joining(", "));
    }
}
