package dev.mxdoctor.command;

import java.util.Objects;

/** A resolver named with {@code @host[:port]}: an IP literal or a host name, and the port (53 unless given). */
public record ResolverSpec(String host, int port) {

    public static final int DNS_PORT = 53;

    public ResolverSpec {
        Objects.requireNonNull(host, "host");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
    }

    /** "192.0.2.53", "192.0.2.53:5353" or "[2001:db8::53]:5353", as a person would write it. */
    public String display() {
        String h = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
        if (port == DNS_PORT) {
            return host;
        }
        return h + ":" + port;
    }

    @Override
    public String toString() {
        return display();
    }
}
