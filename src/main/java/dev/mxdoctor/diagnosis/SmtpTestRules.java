package dev.mxdoctor.diagnosis;

import dev.mxdoctor.diagnosis.Finding.Stage;
import dev.mxdoctor.diagnosis.MxEvidence.Host;
import dev.mxdoctor.diagnosis.Verdict.Status;
import dev.mxdoctor.smtp.SmtpReply;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Findings and verdict of {@code smtptest}: what each server answered to the envelope, and the one sentence that
 * explains where mail to the recipient ends up. Pure.
 */
public final class SmtpTestRules {

    private SmtpTestRules() {}

    public static List<Finding> findings(SmtpTestEvidence e, Optional<AddressProbe> control, Instant now,
            Duration slowGreeting) {
        List<Finding> out = new ArrayList<>(e.via() ? List.of() : MxRules.findings(e.mx()));
        for (AddressProbe p : e.order()) {
            out.addAll(ProbeRules.findings(p, now, slowGreeting));
            boolean decisive = e.deliveryPoint().filter(d -> d == p).isPresent();
            envelopeFindings(p, e, decisive).forEach(out::add);
        }
        out.addAll(ReachabilityRules.findings(e.mx(), control));
        backupRelayDenied(e).ifPresent(out::add);
        return out;
    }

    private static List<Finding> envelopeFindings(AddressProbe p, SmtpTestEvidence e, boolean decisive) {
        List<Finding> out = new ArrayList<>();
        String where = p.host() + " (" + p.address() + ")";
        p.mail().filter(r -> !r.isPositive()).ifPresent(r -> out.add(
                finding(p, e, ReplyRules.mail(r), Stage.MAIL, where + " answered MAIL FROM:<" + e.sender() + "> with: "
                        + r.oneLine(), r, decisive)));
        p.rcpt().ifPresent(r -> out.add(finding(p, e, ReplyRules.rcpt(r), Stage.RCPT,
                where + " answered RCPT TO:<" + e.recipient() + "> with: " + r.oneLine(), r, decisive)));
        p.data().ifPresent(r -> out.add(finding(p, e, ReplyRules.data(r), Stage.DATA,
                where + " answered the test message with: " + r.oneLine(), r, decisive)));
        return out;
    }

    private static Finding finding(AddressProbe p, SmtpTestEvidence e, ReplyRules.Meaning m, Stage stage,
            String detail, SmtpReply r, boolean decisive) {
        String named = m.blocklist().map(l -> " The reply names " + l + ".").orElse("");
        // Every enhanced code in words: what the receiver said, not only that it refused.
        String code = r.isPositive() ? "" : r.enhanced().flatMap(EnhancedCodes::describe)
                .map(d -> " In words: " + d + ".").orElse("");
        String whose = m.code() == FindingCode.SENDER_NOT_AUTHENTICATED ? " " + whoseSender(e) : "";
        Finding f = ProbeRules.at(p, m.code(), stage, detail + "." + named + code + whose).withEvidence(r.oneLine());
        if (m.code() == FindingCode.SENDER_NOT_AUTHENTICATED) {
            f = f.withAdvice(senderAdvice(e));
        }
        Optional<String> provider = ReplyRules.providerAdvice(r);
        if (provider.isPresent() && !r.isPositive()) {
            f = f.withAdvice(f.advice() + " " + provider.get());
        }
        if (!decisive && f.severity().compareTo(Severity.WARNING) > 0) {
            // Another host's refusal matters if mail ever goes there, but it is not what happens now.
            f = f.withSeverity(Severity.WARNING);
        }
        return f;
    }

    /** Whose sender the receiver judged: the user's domain, or mxdoctor's own probe identity. */
    private static String whoseSender(SmtpTestEvidence e) {
        return e.senderGiven()
                ? "The refusal is about the sender, " + domainOf(e.sender()) + " (given with `from`), and the address "
                        + "mxdoctor connected from: " + domainOf(e.sender()) + " does not authorise that address, "
                        + "or its authentication fails."
                : "The refusal is about the sender, not the recipient: it judged mxdoctor's own probe identity (<"
                        + e.sender() + ">, and the address mxdoctor connected from), so " + domainOf(e.recipient())
                        + " is not at fault and its server applies sender checks as it should.";
    }

    private static String senderAdvice(SmtpTestEvidence e) {
        return e.senderGiven()
                ? "Fix " + domainOf(e.sender()) + ": its SPF record must authorise the IP that sends its mail (an "
                        + "`ip4:`/`ip6:` or an `include:` of the provider that sends it), its mail should carry a DKIM "
                        + "signature of " + domainOf(e.sender()) + ", its DMARC record must align with them, and the "
                        + "sending IP needs a PTR whose name resolves back to it. Test again from the real sending "
                        + "server's network."
                : "Nothing to fix at " + domainOf(e.recipient()) + ". Your real mail is judged by your own domain's "
                        + "SPF, DKIM and DMARC and your mail server's IP, not by mxdoctor's: run `smtptest "
                        + e.recipient() + " from you@your.domain` from your mail server's network (or set "
                        + "MXDOCTOR_MAIL_FROM to an address whose SPF authorises mxdoctor's IP).";
    }

    /** The primary MX down and the backup refusing to relay: the classic backup that does not store and forward. */
    private static Optional<Finding> backupRelayDenied(SmtpTestEvidence e) {
        if (e.deliveryPoint().isEmpty() || e.via()) {
            return Optional.empty();
        }
        AddressProbe d = e.deliveryPoint().get();
        if (d.rcpt().isEmpty() || ReplyRules.rcpt(d.rcpt().get()).code() != FindingCode.RELAY_DENIED) {
            return Optional.empty();
        }
        List<Host> primary = e.mx().primaryGroup();
        boolean atBackup = primary.stream().noneMatch(h -> h.name().equals(d.host()));
        boolean primaryDown = !primary.isEmpty() && primary.stream().allMatch(Host::unusable);
        if (!atBackup || !primaryDown) {
            return Optional.empty();
        }
        return Optional.of(ProbeRules.at(d, FindingCode.BACKUP_MX_RELAY_DENIED, Stage.RCPT,
                "The primary MX " + ReachabilityRules.describe(primary) + " is down and the backup MX " + d.host()
                        + " refuses to relay for " + domainOf(e.recipient()) + ": " + d.rcpt().get().oneLine()
                        + ". Mail bounces instead of waiting in the backup's queue.")
                .withEvidence(d.rcpt().get().oneLine()));
    }

    public static Verdict verdict(SmtpTestEvidence e, List<Finding> findings) {
        String rcpt = e.recipient();
        String domain = domainOf(rcpt);
        if (!e.via()) {
            Verdict dns = MxVerdict.of(e.mx().withHosts(e.mx().hosts().stream().map(h -> h.withProbes(List.of()))
                    .toList()), findings);
            if (dns.status() == Status.FAILING || dns.status() == Status.INCONCLUSIVE) {
                return dns;
            }
        }
        if (findings.stream().anyMatch(f -> f.code() == FindingCode.PORT25_BLOCKED_OUTBOUND)) {
            return new Verdict(Status.INCONCLUSIVE, "Every MX host of " + domain + " times out on port 25, and so "
                    + "does the control host: outbound port 25 seems blocked where mxdoctor runs.");
        }
        if (e.order().stream().allMatch(p -> p.outcome() == AddressProbe.Outcome.NOT_ALLOWED)) {
            return new Verdict(Status.INCONCLUSIVE, "No server for " + rcpt + " was contacted: its addresses are "
                    + "private, loopback or otherwise non-public (MXDOCTOR_ALLOW_TARGETS).");
        }
        if (e.order().stream().allMatch(p -> p.outcome().notTried())
                && e.order().stream().anyMatch(p -> p.outcome() == AddressProbe.Outcome.DEADLINE)) {
            return new Verdict(Status.INCONCLUSIVE, "The check ran out of time before the servers for " + rcpt
                    + " answered; run it again with a longer --timeout.");
        }
        if (e.order().stream().allMatch(p -> p.outcome().notTried())) {
            return new Verdict(Status.INCONCLUSIVE, "No server for " + rcpt + " could be contacted from here (no "
                    + "route from this machine, or not allowed by configuration).");
        }
        if (e.deliveryPoint().isEmpty()) {
            List<Host> tried = e.mx().hosts().stream().filter(h -> !h.attempted().isEmpty()).toList();
            if (!tried.isEmpty() && ReachabilityRules.allTemporarilyRefused(tried)) {
                return new Verdict(Status.DEGRADED, "Mail to " + rcpt + " is deferred for now: "
                        + ReachabilityRules.describe(tried) + "; senders queue it and retry, and it normally gets "
                        + "through once the load or connection limit eases.");
            }
            return new Verdict(Status.FAILING, "Mail to " + rcpt + " cannot be handed over right now: "
                    + (tried.isEmpty() ? "no server could be contacted" : ReachabilityRules.describe(tried))
                    + "; senders queue it and retry.");
        }
        AddressProbe d = e.deliveryPoint().get();
        String at = d.host() + (e.order().stream().filter(p -> p.host().equals(d.host())).count() > 1
                ? " (" + d.address() + ")" : "");
        boolean viaBackup = !e.via() && e.mx().primaryGroup().stream().noneMatch(h -> h.name().equals(d.host()));
        String primaryDown = viaBackup ? "The primary MX " + ReachabilityRules.describe(e.mx().primaryGroup())
                + " is down; " : "";
        SmtpReply mail = d.mail().orElseThrow();
        if (!mail.isPositive()) {
            ReplyRules.Meaning m = ReplyRules.mail(mail);
            return switch (m.code()) {
                case BLOCKLISTED_BY_RECEIVER -> blocklisted(at, m, mail);
                case MX_REQUIRES_AUTHENTICATION -> new Verdict(Status.FAILING, "Nobody can deliver mail to " + domain
                        + ": " + at + " demands authentication at MAIL FROM (" + mail.brief() + "), as a submission "
                        + "server does; an MX must take its domain's mail on port 25 without it.");
                case SENDER_NOT_AUTHENTICATED -> senderRefused(e, at, mail, "MAIL FROM");
                case GREYLISTED, TEMPORARY_FAILURE -> new Verdict(Status.DEGRADED, at + " temporarily refused the "
                        + "sender: " + mail.brief() + "; a real MTA retries later.");
                default -> new Verdict(Status.INCONCLUSIVE, at + " refused the sender <" + e.sender() + ">: "
                        + mail.brief() + "; the recipient was not tested. Try `from` with an address whose domain "
                        + "resolves and accepts bounces.");
            };
        }
        if (d.rcpt().isEmpty()) {
            return new Verdict(Status.INCONCLUSIVE, at + " accepted the sender but the dialogue ended before RCPT ("
                    + d.failure().orElse("no reply") + ").");
        }
        SmtpReply r = d.rcpt().get();
        ReplyRules.Meaning m = ReplyRules.rcpt(r);
        return switch (m.code()) {
            case RCPT_ACCEPTED -> accepted(e, d, at, primaryDown, r);
            case RCPT_USER_UNKNOWN -> new Verdict(Status.FAILING, rcpt + " does not exist at " + at + ": "
                    + r.brief() + ".");
            case RCPT_MAILBOX_DISABLED -> new Verdict(Status.FAILING, rcpt + "'s mailbox exists but is disabled at "
                    + at + ": " + r.brief() + "; mail to it bounces until the account is re-enabled.");
            case MX_REQUIRES_AUTHENTICATION -> new Verdict(Status.FAILING, "Nobody can deliver mail to " + domain
                    + ": " + at + " demands authentication for the recipient (" + r.brief() + "), as a submission "
                    + "server does; an MX must take its domain's mail on port 25 without it.");
            case SENDER_NOT_AUTHENTICATED -> senderRefused(e, at, r, "RCPT TO");
            case RELAY_DENIED -> viaBackup && !primaryDown.isEmpty()
                    ? new Verdict(Status.FAILING, "Mail to " + domain + " is bouncing because the primary MX "
                            + ReachabilityRules.describe(e.mx().primaryGroup()) + " is down and the backup MX "
                            + d.host() + " refuses to relay for the domain: " + r.brief() + ".")
                    : new Verdict(Status.FAILING, at + " refuses mail for " + domain + " (" + r.brief() + "): the "
                            + "server is not set up to receive for this domain, or the MX points at the wrong server.");
            case BLOCKLISTED_BY_RECEIVER -> blocklisted(at, m, r);
            case GREYLISTED -> new Verdict(Status.DEGRADED, primaryDown + at + " greylists: " + r.brief()
                    + "; a real MTA retries and normally gets through within minutes to an hour.");
            case RCPT_MAILBOX_FULL -> new Verdict(Status.DEGRADED, rcpt + "'s mailbox is full at " + at + ": "
                    + r.brief() + "; senders keep retrying for a few days while the recipient makes room.");
            case TEMPORARY_FAILURE -> new Verdict(Status.DEGRADED, primaryDown + at + " answered RCPT with a "
                    + "temporary failure: " + r.brief() + "; senders retry.");
            default -> new Verdict(Status.FAILING, at + " refuses mail to " + rcpt + " on policy: " + r.brief()
                    + ".");
        };
    }

    private static Verdict accepted(SmtpTestEvidence e, AddressProbe d, String at, String primaryDown, SmtpReply r) {
        String sent = "";
        if (e.sendRequested() && e.sendRefusal().isPresent()) {
            sent = " The test message was not sent: " + e.sendRefusal().get() + ".";
        } else if (d.data().isPresent()) {
            SmtpReply data = d.data().get();
            if (!data.isPositive()) {
                return new Verdict(data.isTransient() ? Status.DEGRADED : Status.FAILING, at + " accepted "
                        + e.recipient() + " but refused the test message: " + data.brief() + ".");
            }
            sent = " It took the test message: " + data.brief() + ".";
        }
        String tls = d.tlsFailure().isPresent() ? " But STARTTLS fails there: senders that require TLS cannot "
                + "deliver, the others deliver late and in clear text." : "";
        Status status = primaryDown.isEmpty() && tls.isEmpty() ? Status.OK : Status.DEGRADED;
        String flows = primaryDown.isEmpty() ? "" : "mail flows via the backup: ";
        return new Verdict(status, primaryDown + flows + at + " accepts mail for " + e.recipient() + " ("
                + r.brief() + ")." + sent + tls);
    }

    /** A refusal about the sender: whose sender decides whether the recipient's side can be judged at all. */
    private static Verdict senderRefused(SmtpTestEvidence e, String at, SmtpReply r, String stage) {
        // The headline stays short: the code in words is in the finding.
        if (!e.senderGiven()) {
            return new Verdict(Status.INCONCLUSIVE, at + " refused mxdoctor's probe sender <" + e.sender() + "> at "
                    + stage + ": " + r.brief() + ". That is about mxdoctor's own identity, not about "
                    + domainOf(e.recipient()) + "; test as your real sender with `from`.");
        }
        return new Verdict(r.isTransient() ? Status.DEGRADED : Status.FAILING, at + " refuses mail from "
                + domainOf(e.sender()) + ": " + r.brief() + ". The sender's side must be fixed ("
                + domainOf(e.sender()) + "'s SPF, DKIM, DMARC or the sending IP's reverse DNS), not "
                + domainOf(e.recipient()) + ".");
    }

    private static Verdict blocklisted(String at, ReplyRules.Meaning m, SmtpReply r) {
        return new Verdict(Status.FAILING, at + " refuses mxdoctor's sending IP as blocklisted"
                + m.blocklist().map(l -> " (" + l + ")").orElse("") + ": " + r.oneLine() + ". The problem is the "
                + "sending side's IP, not the recipient.");
    }

    static String domainOf(String address) {
        return address.substring(address.lastIndexOf('@') + 1);
    }
}
