package dev.mxdoctor.dns;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Objects;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.Type;

/**
 * One DNS question put to a given list of servers; also the cache key (resolver, name, type, class).
 *
 * @param servers asked in order; the next one only when the previous does not answer
 * @param recursive whether recursion is desired: false when asking a zone's authoritative servers directly
 * @param checkingDisabled the CD flag: a validating resolver answers without checking DNSSEC (as {@code dig +cd})
 */
public record DnsQuery(List<InetSocketAddress> servers, Name name, int type, int dclass, boolean recursive,
        boolean checkingDisabled) {

    public DnsQuery(List<InetSocketAddress> servers, Name name, int type, int dclass, boolean recursive) {
        this(servers, name, type, dclass, recursive, false);
    }

    public DnsQuery {
        servers = List.copyOf(servers);
        if (servers.isEmpty()) {
            throw new IllegalArgumentException("no DNS server to ask");
        }
        Objects.requireNonNull(name, "name");
        if (!name.isAbsolute()) {
            throw new IllegalArgumentException("name must be absolute: " + name);
        }
    }

    /** A recursive question of class IN. */
    public static DnsQuery recursive(List<InetSocketAddress> servers, Name name, int type) {
        return new DnsQuery(servers, name, type, DClass.IN, true);
    }

    /**
     * A recursive question with DNSSEC checking disabled: when the resolver answers this but SERVFAILs the plain
     * question, the failure is DNSSEC validation.
     */
    public static DnsQuery unchecked(List<InetSocketAddress> servers, Name name, int type) {
        return new DnsQuery(servers, name, type, DClass.IN, true, true);
    }

    /** A question to one authoritative server, without recursion. */
    public static DnsQuery authoritative(InetSocketAddress server, Name name, int type) {
        return new DnsQuery(List.of(server), name, type, DClass.IN, false);
    }

    /** "example.com. MX", as in a transcript. */
    public String describe() {
        return name + " " + Type.string(type) + (checkingDisabled ? " +cd" : "");
    }
}
