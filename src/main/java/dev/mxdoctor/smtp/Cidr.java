package dev.mxdoctor.smtp;

import dev.mxdoctor.command.Names;
import dev.mxdoctor.dns.Addresses;
import java.math.BigInteger;
import java.net.InetAddress;

/** An address block such as {@code 127.0.0.0/8} or {@code fc00::/7}. */
public record Cidr(InetAddress network, int prefix) {

    public Cidr {
        int bits = network.getAddress().length * 8;
        if (prefix < 0 || prefix > bits) {
            throw new IllegalArgumentException("prefix /" + prefix + " out of range for " + Addresses.text(network));
        }
    }

    /** Parses "192.0.2.0/24", "2001:db8::/32" or a bare address (a /32 or /128). */
    public static Cidr parse(String text) {
        String t = text.strip();
        int slash = t.indexOf('/');
        String address = slash < 0 ? t : t.substring(0, slash);
        InetAddress a = Names.ipLiteral(address)
                .orElseThrow(() -> new IllegalArgumentException("not an address block: '" + text + "'"));
        int bits = a.getAddress().length * 8;
        int prefix;
        try {
            prefix = slash < 0 ? bits : Integer.parseInt(t.substring(slash + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not an address block: '" + text + "'");
        }
        return new Cidr(a, prefix);
    }

    public boolean contains(InetAddress address) {
        byte[] a = address.getAddress();
        byte[] n = network.getAddress();
        if (a.length != n.length) {
            return false;
        }
        int shift = a.length * 8 - prefix;
        return new BigInteger(1, a).shiftRight(shift).equals(new BigInteger(1, n).shiftRight(shift));
    }

    @Override
    public String toString() {
        return Addresses.text(network) + "/" + prefix;
    }
}
