package dev.mxdoctor.check;

import dev.mxdoctor.command.Request;
import dev.mxdoctor.diagnosis.DnsStatus;
import dev.mxdoctor.diagnosis.Verdict;
import dev.mxdoctor.diagnosis.Verdict.Status;
import dev.mxdoctor.dns.DnsClient;
import dev.mxdoctor.dns.DnsQuery;
import dev.mxdoctor.dns.DnsResult;
import dev.mxdoctor.report.Report;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.LongSupplier;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/** The {@code dns} command: one question, answered like a tidy dig. */
public final class DnsCheck {

    private final DnsClient dns;
    private final Resolvers resolvers;
    private final Clock clock;
    private final LongSupplier nanoTime;

    public DnsCheck(DnsClient dns, Resolvers resolvers, Clock clock, LongSupplier nanoTime) {
        this.dns = dns;
        this.resolvers = resolvers;
        this.clock = clock;
        this.nanoTime = nanoTime;
    }

    public Report run(Request.Dns request, Duration timeout, Progress progress) {
        Instant started = clock.instant();
        long start = nanoTime.getAsLong();
        List<InetSocketAddress> servers;
        try {
            servers = resolvers.servers(request.resolver());
        } catch (Resolvers.Unusable e) {
            return e.report("dns", request.query(), request.name().display(), started);
        }
        DnsTrace trace = new DnsTrace(dns, nanoTime, start);
        int type = Type.value(request.type().name());
        Name name = Name.fromConstantString(request.name().ascii() + ".");
        progress.update("Asking " + Resolvers.describe(servers) + " for " + request.name().ascii() + " "
                + request.type() + "…");
        DnsResult result = trace.ask(DnsQuery.recursive(servers, name, type), Deadline.after(timeout, nanoTime));
        List<Report.RecordLine> lines = result.reply().map(r -> r.answerSection().stream()
                .map(DnsCheck::line).toList()).orElse(List.of());
        String display = request.address().map(a -> a + " (" + request.name().ascii() + ")")
                .orElse(request.name().display());
        return new Report("dns", request.query(), display, Resolvers.describe(servers), started,
                (nanoTime.getAsLong() - start) / 1_000_000, verdict(request, result), List.of(), List.of(), lines,
                List.of(), trace.exchanges());
    }

    private static Report.RecordLine line(Record r) {
        return new Report.RecordLine(r.getName().toString(), r.getTTL(), Type.string(r.getType()),
                r.rdataToString());
    }

    static Verdict verdict(Request.Dns request, DnsResult result) {
        String asked = request.query() + " " + request.type();
        DnsStatus status = DnsStatuses.of(result);
        return switch (result) {
            case DnsResult.Answer a -> new Verdict(Status.OK, asked + ": " + a.records().size() + " record"
                    + (a.records().size() == 1 ? "" : "s") + ".");
            case DnsResult.NoData n -> new Verdict(Status.OK, asked + ": the name exists but has no "
                    + request.type() + " record.");
            case DnsResult.NxDomain n -> new Verdict(Status.OK, asked + ": the name does not exist (NXDOMAIN).");
            case DnsResult.ServFail s -> new Verdict(Status.FAILING, status.detail() + ": the resolver could not "
                    + "get an answer from the name's servers.");
            case DnsResult.TimedOut t -> new Verdict(Status.INCONCLUSIVE, status.detail() + ".");
            case DnsResult.Refused r -> new Verdict(Status.INCONCLUSIVE, status.detail()
                    + ": the server does not answer this question for mxdoctor.");
            case DnsResult.Referral r -> new Verdict(Status.INCONCLUSIVE, status.detail() + ".");
            case DnsResult.Failed f -> new Verdict(Status.INCONCLUSIVE, status.detail() + ".");
        };
    }
}
