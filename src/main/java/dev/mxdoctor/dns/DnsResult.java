package dev.mxdoctor.dns;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Type;

/**
 * The outcome of one DNS question. A negative or failed answer is an outcome like any other, never an exception:
 * the diagnosis needs to tell NXDOMAIN from NODATA from SERVFAIL from silence.
 */
public sealed interface DnsResult {

    DnsQuery query();

    /** How long this result may be reused; zero means "do not cache". */
    Duration ttl();

    /** Details of the reply, when a server replied at all. */
    Optional<ServerReply> reply();

    /** The outcome's name for people and the JSON report: "NOERROR", "NXDOMAIN", "timeout", ... */
    String status();

    /** Records of the asked type, after any CNAME chain. */
    record Answer(DnsQuery query, List<Record> records, ServerReply serverReply) implements DnsResult {
        public Answer {
            records = List.copyOf(records);
        }

        @Override
        public Duration ttl() {
            return Duration.ofSeconds(serverReply.answerSection().stream().mapToLong(Record::getTTL).min().orElse(0));
        }

        @Override
        public Optional<ServerReply> reply() {
            return Optional.of(serverReply);
        }

        @Override
        public String status() {
            return "NOERROR";
        }
    }

    /** The name exists but has no record of the asked type (NOERROR, empty answer). */
    record NoData(DnsQuery query, Optional<SOARecord> soa, ServerReply serverReply) implements DnsResult {
        @Override
        public Duration ttl() {
            return negativeTtl(soa);
        }

        @Override
        public Optional<ServerReply> reply() {
            return Optional.of(serverReply);
        }

        @Override
        public String status() {
            return "NODATA";
        }
    }

    /** The name does not exist. */
    record NxDomain(DnsQuery query, Optional<SOARecord> soa, ServerReply serverReply) implements DnsResult {
        @Override
        public Duration ttl() {
            return negativeTtl(soa);
        }

        @Override
        public Optional<ServerReply> reply() {
            return Optional.of(serverReply);
        }

        @Override
        public String status() {
            return "NXDOMAIN";
        }
    }

    /** The server could not get an answer. */
    record ServFail(DnsQuery query, ServerReply serverReply) implements DnsResult {
        @Override
        public Duration ttl() {
            return Duration.ZERO;
        }

        @Override
        public Optional<ServerReply> reply() {
            return Optional.of(serverReply);
        }

        @Override
        public String status() {
            return "SERVFAIL";
        }
    }

    /** The server refused to answer. */
    record Refused(DnsQuery query, ServerReply serverReply) implements DnsResult {
        @Override
        public Duration ttl() {
            return Duration.ZERO;
        }

        @Override
        public Optional<ServerReply> reply() {
            return Optional.of(serverReply);
        }

        @Override
        public String status() {
            return "REFUSED";
        }
    }

    /** A delegation instead of an answer: the server does not recurse for us. */
    record Referral(DnsQuery query, List<NSRecord> nameServers, ServerReply serverReply) implements DnsResult {
        public Referral {
            nameServers = List.copyOf(nameServers);
        }

        @Override
        public Duration ttl() {
            return Duration.ZERO;
        }

        @Override
        public Optional<ServerReply> reply() {
            return Optional.of(serverReply);
        }

        @Override
        public String status() {
            return "referral";
        }
    }

    /** No server answered in time. */
    record TimedOut(DnsQuery query, Duration waited, int attempts) implements DnsResult {
        @Override
        public Duration ttl() {
            return Duration.ZERO;
        }

        @Override
        public Optional<ServerReply> reply() {
            return Optional.empty();
        }

        @Override
        public String status() {
            return "timeout";
        }
    }

    /** Any other failure: another rcode (FORMERR, NOTIMP), a malformed reply, or an unreachable network. */
    record Failed(DnsQuery query, String reason, Optional<ServerReply> reply) implements DnsResult {
        @Override
        public Duration ttl() {
            return Duration.ZERO;
        }

        @Override
        public String status() {
            return "error";
        }
    }

    /** Records of {@code type} in an answer; empty for every other outcome. */
    default List<Record> records(int type) {
        if (this instanceof Answer a) {
            return a.records().stream().filter(r -> r.getType() == type).toList();
        }
        return List.of();
    }

    /** The CNAME that {@code name} is, if the reply's answer section shows one. */
    default Optional<Name> aliasOf(Name name) {
        return reply().flatMap(r -> r.answerSection().stream()
                .filter(rec -> rec.getType() == Type.CNAME && rec.getName().equals(name))
                .map(rec -> ((CNAMERecord) rec).getTarget())
                .findFirst());
    }

    /** RFC 2308 5: a negative answer lives min(SOA TTL, SOA MINIMUM); without an SOA it is not cached. */
    private static Duration negativeTtl(Optional<SOARecord> soa) {
        return soa.map(s -> Duration.ofSeconds(Math.min(s.getTTL(), s.getMinimum()))).orElse(Duration.ZERO);
    }

    /** "192.0.2.53" for port 53, "192.0.2.53:5353" or "[2001:db8::1]:5353" otherwise. */
    public static String describe(InetSocketAddress server) {
        String host = server.getAddress() != null ? Addresses.text(server.getAddress()) : server.getHostString();
        if (server.getPort() == 53) {
            return host;
        }
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + server.getPort();
    }
}
