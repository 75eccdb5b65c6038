package dev.mxdoctor.dns;

import com.google.common.net.InetAddresses;
import java.net.InetAddress;

/**
 * Addresses as people and the history see them: IPv4 dotted, IPv6 in the RFC 5952 form ({@code 2001:db8::25}, not
 * the JDK's {@code 2001:db8:0:0:0:0:0:25}), without a scope. One form everywhere, so that an address in a report, a
 * transcript and a stored run is the same string.
 */
public final class Addresses {

    private Addresses() {}

    public static String text(InetAddress address) {
        return InetAddresses.toAddrString(address);
    }

    /**
     * {@code text} in the RFC 5952 form when it is an IP address written otherwise (as runs stored by older versions
     * have it), else unchanged.
     */
    public static String normalized(String text) {
        if (text.indexOf(':') < 0 || !InetAddresses.isInetAddress(text)) {
            return text;
        }
        return InetAddresses.toAddrString(InetAddresses.forString(text));
    }
}
