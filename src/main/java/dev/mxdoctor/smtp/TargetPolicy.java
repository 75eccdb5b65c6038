package dev.mxdoctor.smtp;

import dev.mxdoctor.dns.Addresses;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Optional;

/**
 * Which addresses and ports mxdoctor may connect to: a chat command must not become a way to reach internal
 * services. Only global unicast addresses are dialled (public IPv4; IPv6 in 2000::/3), minus the special-purpose
 * blocks of RFC 6890 and its IANA registries, unless a configured block ({@code MXDOCTOR_ALLOW_TARGETS}) allows
 * them. IPv6 forms that carry an IPv4 address (mapped, NAT64, 6to4) are judged by the IPv4 address they lead to.
 * Only mail ports are dialled (25, 465, 587, 2525, and those configuration names).
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
            special("3fff::/20", "documentation"),
            special("fc00::/7", "unique local (private)"),
            special("fe80::/10", "link-local"),
            special("fec0::/10", "site-local (deprecated)"),
            special("ff00::/8", "multicast"));

    /** The ports of mail service: SMTP (25), submission over TLS (465), submission (587) and the usual alternate. */
    public static final java.util.Set<Integer> MAIL_PORTS = java.util.Set.of(25, 465, 587, 2525);

    private static final Cidr GLOBAL_UNICAST_V6 = Cidr.parse("2000::/3");
    private static final Cidr NAT64 = Cidr.parse("64:ff9b::/96");
    private static final Cidr SIX_TO_FOUR = Cidr.parse("2002::/16");

    private final List<Cidr> allowed;
    private final java.util.function.IntPredicate ports;

    /**
     * @param allowed blocks that may be dialled although special-purpose
     * @param ports the ports that may be dialled
     */
    public TargetPolicy(List<Cidr> allowed, java.util.function.IntPredicate ports) {
        this.allowed = List.copyOf(allowed);
        this.ports = ports;
    }

    /** Why this address and port may not be dialled, or empty when they may. */
    public Optional<String> refusal(java.net.InetSocketAddress target) {
        if (!ports.test(target.getPort())) {
            return Optional.of("port " + target.getPort() + " is not a mail port; mxdoctor connects only to 25, 465, "
                    + "587, 2525 and the ports MXDOCTOR_ALLOW_PORTS names");
        }
        return refusal(target.getAddress());
    }

    /** Why this address may not be dialled, or empty when it may. */
    public Optional<String> refusal(InetAddress address) {
        if (allowed.stream().anyMatch(c -> c.contains(address))) {
            return Optional.empty();
        }
        Optional<InetAddress> embedded = embeddedIpv4(address);
        if (embedded.isPresent()) {
            // Whatever the IPv6 form, the packets end up at this IPv4 address: judge that one.
            return refusal(embedded.get()).map(why -> Addresses.text(address) + " leads to " + why);
        }
        Optional<String> special = SPECIAL.stream()
                .filter(s -> s.block().contains(address))
                .findFirst()
                .map(s -> Addresses.text(address) + " is a " + s.name() + " address");
        if (special.isEmpty() && address instanceof Inet6Address && !GLOBAL_UNICAST_V6.contains(address)) {
            special = Optional.of(Addresses.text(address) + " is not a global unicast address");
        }
        return special.map(why -> why + "; mxdoctor probes it only when MXDOCTOR_ALLOW_TARGETS includes it");
    }

    /**
     * The IPv4 address an IPv6 address carries and leads to: IPv4-mapped (::ffff:a.b.c.d), the NAT64 well-known
     * prefix (64:ff9b::a.b.c.d, RFC 6052) and 6to4 (2002:aabb:ccdd::, RFC 3056). Other forms that carry IPv4
     * addresses (IPv4-compatible, SIIT's translated, Teredo, local-use NAT64) are outside 2000::/3 or special, and
     * refused as such.
     */
    static Optional<InetAddress> embeddedIpv4(InetAddress address) {
        if (!(address instanceof Inet6Address)) {
            return Optional.empty();
        }
        byte[] b = address.getAddress();
        boolean mapped = true;
        for (int i = 0; i < 10; i++) {
            mapped &= b[i] == 0;
        }
        mapped &= (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff;
        if (mapped || NAT64.contains(address)) {
            return Optional.of(ipv4(b, 12));
        }
        if (SIX_TO_FOUR.contains(address)) {
            return Optional.of(ipv4(b, 2));
        }
        return Optional.empty();
    }

    private static InetAddress ipv4(byte[] b, int from) {
        try {
            return InetAddress.getByAddress(java.util.Arrays.copyOfRange(b, from, from + 4));
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e); // four bytes are always an IPv4 address
        }
    }

    public List<Cidr> allowed() {
        return allowed;
    }

    private static Special special(String cidr, String name) {
        return new Special(Cidr.parse(cidr), name);
    }
}
