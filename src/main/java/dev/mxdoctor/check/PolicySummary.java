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
    private List<CompletableFuture<DnsResult>> tlsa = List.of();

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

    /** Asks for the MX hosts' TLSA records (DANE for SMTP, RFC 7672), all at once. */
    void mxHosts(List<String> hosts) {
        tlsa = hosts.stream().distinct().map(h -> ask("_25._tcp." + h, Type.TLSA)).toList();
    }

    /** Whether any MX host publishes TLSA records (as the resolver says, unvalidated). */
    boolean tlsaPublished(Deadline deadline) {
        return tlsa.stream().anyMatch(f -> !await(f, deadline).records(Type.TLSA).isEmpty());
    }

    /**
     * "SPF yes · DMARC p=reject · MTA-STS yes · DANE no (auth example.com reads them)".
     *
     * @param dane what the DANE check said ("DANE: mx1… TLSA secure and matching"), when it ran
     */
    String line(Deadline deadline, Optional<String> dane) {
        List<String> spfRecords = txt(spf, deadline).stream().filter(t -> t.toLowerCase(Locale.ROOT)
                .startsWith("v=spf1")).toList();
        String spfSaid = spfRecords.isEmpty() ? "none" : spfRecords.size() > 1 ? spfRecords.size() + " records" : "yes";
        Optional<String> policy = txt(dmarc, deadline).stream().filter(t -> t.startsWith("v=DMARC1")).findFirst()
                .map(t -> t.replaceAll("(?s).*;\\s*p\\s*=\\s*([A-Za-z]+).*", "p=$1"));
        boolean sts = txt(mtaSts, deadline).stream().anyMatch(t -> t.startsWith("v=STSv1"));
        String daneSaid = dane.map(d -> d.replaceFirst("^DANE: ", ""))
                .orElse(tlsaPublished(deadline) ? "TLSA published" : "no");
        return "SPF " + known(spf, spfSaid, deadline) + " · DMARC " + known(dmarc, policy.map(p -> p.startsWith("p=")
                ? p : "yes").orElse("none"), deadline) + " · MTA-STS " + known(mtaSts, sts ? "yes" : "none", deadline)
                + " · DANE " + daneSaid + " (auth " + domain + " reads them)";
    }

    /** What was read, or, when the question got no usable answer, that it is not known (never "none"). */
    private String known(CompletableFuture<DnsResult> f, String said, Deadline deadline) {
        DnsResult r = await(f, deadline);
        return r instanceof DnsResult.Answer || r instanceof DnsResult.NoData || r instanceof DnsResult.NxDomain
                ? said : "not known (" + r.status() + ")";
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
