package dev.mxdoctor.smtp;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Optional;

/**
 * Which addresses mxdoctor may connect to. Loopback, private, shared, link-local, multicast, documentation and
 * other special-purpose addresses (RFC 6890 and its IANA registries) are refused unless a configured block
 * ({@code MXDOCTOR_ALLOW_TARGETS}) allows them: a chat command must not become a way to reach internal services.
 */
public final class TargetPolicy {

    private record Special(Cidr block, String name) {}

    private static final List<Special> SPECIAL = List.of(
            special("0.0.0.0/8", "'this network'"),
            special("10.0.0.0/8", "private"),
            special("100.64.0.0/10", "shared (carrier-grade NAT)"),
            special("127.0.0.0/8", "loopback"),
            special("169.254.0.0/16", "link-local"),
            special("172.16.0.0/12", "private"),
            special("192.0.0.0/24", "IETF protocol assignments"),
            special("192.0.2.0/24", "documentation (TEST-NET-1)"),
            special("192.88.99.0/24", "6to4 relay anycast"),
            special("192.168.0.0/16", "private"),
            special("198.18.0.0/15", "benchmarking"),
            special("198.51.100.0/24", "documentation (TEST-NET-2)"),
            special("203.0.113.0/24", "documentation (TEST-NET-3)"),
            special("224.0.0.0/4", "multicast"),
            special("240.0.0.0/4", "reserved"),
            special("::/128", "unspecified"),
            special("::1/128", "loopback"),
            special("::/96", "IPv4-compatible (deprecated)"),
            special("64:ff9b:1::/48", "local-use NAT64"),
            special("100::/64", "discard-only"),
            special("2001::/23", "IETF protocol assignments"),
            special("2001:db8::/32", "documentation"),
            special("fc00::/7", "unique local (private)"),
            special("fe80::/10", "link-local"),
            special("fec0::/10", "site-local (deprecated)"),
            special("ff00::/8", "multicast"));

    private final List<Cidr> allowed;

    /** @param allowed blocks that may be dialled although special-purpose */
    public TargetPolicy(List<Cidr> allowed) {
        this.allowed = List.copyOf(allowed);
    }

    /** Why this address may not be dialled, or empty when it may. */
    public Optional<String> refusal(InetAddress address) {
        InetAddress a = unwrapMapped(address);
        if (allowed.stream().anyMatch(c -> c.contains(a))) {
            return Optional.empty();
        }
        return SPECIAL.stream()
                .filter(s -> s.block().contains(a))
                .findFirst()
                .map(s -> a.getHostAddress() + " is a " + s.name() + " address; mxdoctor probes it only when "
                        + "MXDOCTOR_ALLOW_TARGETS includes it (e.g. " + s.block() + ")");
    }

    public List<Cidr> allowed() {
        return allowed;
    }

    /** ::ffff:a.b.c.d is judged as a.b.c.d (Java usually converts these itself; this covers the rest). */
    private static InetAddress unwrapMapped(InetAddress address) {
        if (address instanceof Inet6Address) {
            byte[] b = address.getAddress();
            boolean mapped = true;
            for (int i = 0; i < 10; i++) {
                mapped &= b[i] == 0;
            }
            mapped &= (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff;
            if (mapped) {
                try {
                    return InetAddress.getByAddress(java.util.Arrays.copyOfRange(b, 12, 16));
                } catch (UnknownHostException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return address;
    }

    private static Special special(String cidr, String name) {
        return new Special(Cidr.parse(cidr), name);
    }
}
