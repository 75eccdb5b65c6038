package dev.mxdoctor.dns;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import org.xbill.DNS.Record;

/**
 * What is known about the server's reply apart from its outcome: who answered, how fast, over what, its flags,
 * and the raw answer and additional sections (for CNAME chains and glue).
 *
 * @param server the server that answered
 * @param rtt round-trip time of the answering attempt, TCP retry included
 * @param tcp whether the answer came over TCP (after a truncated UDP reply)
 * @param authoritative the AA flag
 * @param authenticated the AD flag (the resolver validated it with DNSSEC)
 */
public record ServerReply(
        InetSocketAddress server,
        Duration rtt,
        boolean tcp,
        boolean authoritative,
        boolean authenticated,
        List<Record> answerSection,
        List<Record> additionalSection) {

    public ServerReply {
        answerSection = List.copyOf(answerSection);
        additionalSection = List.copyOf(additionalSection);
    }

    /** "192.0.2.53:53" style name of the server. */
    public String serverName() {
        return DnsResult.describe(server);
    }
}
