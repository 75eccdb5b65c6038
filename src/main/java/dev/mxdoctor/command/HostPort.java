package dev.mxdoctor.command;

import java.util.Objects;

/**
 * A server named as {@code host[:port]}: an IP literal or a host name, and a port. Used for {@code @resolver},
 * {@code via} and the settings that name servers.
 */
public record HostPort(String host, int port) {

    public static final int DNS_PORT = 53;
    public static final int SMTP_PORT = 25;

    public HostPort {
        Objects.requireNonNull(host, "host");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
    }

    /** "192.0.2.53" when the port is the usual one, "192.0.2.53:5353" or "[2001:db8::53]:5353" otherwise. */
    public String display(int usualPort) {
        if (port == usualPort) {
            return host;
        }
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    @Override
    public String toString() {
        return display(DNS_PORT);
    }
}
