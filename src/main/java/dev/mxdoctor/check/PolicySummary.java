package dev.mxdoctor.check;

import dev.mxdoctor.dns.DnsQuery;
import dev.mxdoctor.dns.DnsResult;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.xbill.DNS.Name;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/**
 * The one line {@code mx} gives about the domain's mail policy records (SPF, DMARC, MTA-STS, DANE): present or not,
 * asked alongside the rest of the check, pointing at {@code auth} for the reading of them.
 */
final class PolicySummary {

    private final DnsTrace trace;
    private final List<InetSocketAddress> servers;
    private final String domain;
    private final CompletableFuture<DnsResult> spf;
    private final CompletableFuture<DnsResult> dmarc;
    private final CompletableFuture<DnsResult> mtaSts;
    private Optional<CompletableFuture<DnsResult>> tlsa = Optional.empty();

    /** Asks for the TXT records at once (they are answered while the MX hosts are looked up and probed). */
    PolicySummary(DnsTrace trace, List<InetSocketAddress> servers, String domain) {
        this.trace = trace;
        this.servers = servers;
        this.domain = domain;
        this.spf = ask(domain, Type.TXT);
        this.dmarc = ask("_dmarc." + domain, Type.TXT);
        this.mtaSts = ask("_mta-sts." + domain, Type.TXT);
    }

    private CompletableFuture<DnsResult> ask(String name, int type) {
        return trace.query(DnsQuery.recursive(servers, Name.fromConstantString(name + "."), type));
    }

    /** Asks for the first MX host's TLSA record (DANE for SMTP, RFC 7672). */
    void mxHost(Optional<String> host) {
        tlsa = host.map(h -> ask("_25._tcp." + h, Type.TLSA));
    }

    /** "SPF yes · DMARC p=reject · MTA-STS yes · DANE TLSA no (auth example.com reads them)". */
    String line(Deadline deadline) {
        List<String> spfRecords = txt(spf, deadline).stream().filter(t -> t.toLowerCase(Locale.ROOT)
                .startsWith("v=spf1")).toList();
        String spfSaid = spfRecords.isEmpty() ? "none" : spfRecords.size() > 1 ? spfRecords.size() + " records" : "yes";
        Optional<String> policy = txt(dmarc, deadline).stream().filter(t -> t.startsWith("v=DMARC1")).findFirst()
                .map(t -> t.replaceAll("(?s).*;\\s*p\\s*=\\s*([A-Za-z]+).*", "p=$1"));
        boolean sts = txt(mtaSts, deadline).stream().anyMatch(t -> t.startsWith("v=STSv1"));
        String dane = tlsa.map(f -> await(f, deadline).records(Type.TLSA).isEmpty() ? "no" : "TLSA published")
                .orElse("no");
        return "SPF " + spfSaid + " · DMARC " + policy.map(p -> p.startsWith("p=") ? p : "yes").orElse("none")
                + " · MTA-STS " + (sts ? "yes" : "none") + " · DANE " + dane + " (auth " + domain + " reads them)";
    }

    private List<String> txt(CompletableFuture<DnsResult> f, Deadline deadline) {
        return await(f, deadline).records(Type.TXT).stream().map(r -> String.join("", ((TXTRecord) r)
                .getStrings())).toList();
    }

    private DnsResult await(CompletableFuture<DnsResult> f, Deadline deadline) {
        // The question is in the future's result; when it times out, an empty answer is all this line needs.
        return trace.await(f, DnsQuery.recursive(servers, Name.fromConstantString(domain + "."), Type.TXT),
                deadline);
    }
}
