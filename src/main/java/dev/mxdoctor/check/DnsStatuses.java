package dev.mxdoctor.check;

import dev.mxdoctor.diagnosis.DnsStatus.Outcome;
import dev.mxdoctor.diagnosis.DnsStatus;
import dev.mxdoctor.dns.Addresses;
import dev.mxdoctor.dns.DnsResult;

/** Turns a {@link DnsResult} into the plain {@link DnsStatus} the diagnosis rules read. */
final class DnsStatuses {

    private DnsStatuses() {}

    static DnsStatus of(DnsResult r) {
        String q = r.query().describe();
        String from = r.reply().map(x -> " from " + x.serverName()).orElse("");
        return switch (r) {
            case DnsResult.Answer a -> new DnsStatus(Outcome.ANSWER, q + ": " + a.records().size() + " record"
                    + (a.records().size() == 1 ? "" : "s") + from);
            case DnsResult.NoData n -> new DnsStatus(Outcome.NODATA, q + ": no such record (NODATA" + from + ")");
            case DnsResult.NxDomain n -> new DnsStatus(Outcome.NXDOMAIN, q + ": NXDOMAIN" + from);
            case DnsResult.ServFail s -> new DnsStatus(Outcome.SERVFAIL, q + ": SERVFAIL" + from);
            case DnsResult.Refused s -> new DnsStatus(Outcome.REFUSED, q + ": REFUSED" + from);
            case DnsResult.Referral s -> new DnsStatus(Outcome.REFERRAL, q + ": a referral to "
                    + s.nameServers().size() + " name server" + (s.nameServers().size() == 1 ? "" : "s") + from
                    + " (the server does not recurse)");
            case DnsResult.TimedOut t -> new DnsStatus(Outcome.TIMEOUT, q + ": no answer from "
                    + t.query().servers().stream().map(s -> Addresses.text(s.getAddress())).distinct()
                            .reduce((a, b) -> a + ", " + b).orElse("")
                    + (t.attempts() > 0 ? " after " + t.attempts() + " tries" : " before the deadline"));
            case DnsResult.Failed f -> new DnsStatus(Outcome.ERROR, q + ": " + f.reason());
        };
    }
}
