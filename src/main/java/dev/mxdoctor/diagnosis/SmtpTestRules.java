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
            envelopeFindings(p, e.recipient(), decisive).forEach(out::add);
        }
        out.addAll(ReachabilityRules.findings(e.mx(), control));
        backupRelayDenied(e).ifPresent(out::add);
        return out;
    }

    private static List<Finding> envelopeFindings(AddressProbe p, String recipient, boolean decisive) {
        List<Finding> out = new ArrayList<>();
        String where = p.host() + " (" + p.address() + ")";
        p.mail().filter(r -> !r.isPositive()).ifPresent(r -> out.add(
                finding(p, ReplyRules.mail(r), Stage.MAIL, where + " answered MAIL FROM with: " + r.oneLine(), r,
                        decisive)));
        p.rcpt().ifPresent(r -> out.add(finding(p, ReplyRules.rcpt(r), Stage.RCPT,
                where + " answered RCPT TO:<" + recipient + "> with: " + r.oneLine(), r, decisive)));
        p.data().ifPresent(r -> out.add(finding(p, ReplyRules.data(r), Stage.DATA,
                where + " answered the test message with: " + r.oneLine(), r, decisive)));
        return out;
    }

    private static Finding finding(AddressProbe p, ReplyRules.Meaning m, Stage stage, String detail, SmtpReply r,
            boolean decisive) {
        String named = m.blocklist().map(l -> " The reply names " + l + ".").orElse("");
        Finding f = ProbeRules.at(p, m.code(), stage, detail + "." + named).withEvidence(r.oneLine());
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
                case GREYLISTED, TEMPORARY_FAILURE -> new Verdict(Status.DEGRADED, at + " temporarily refused the "
                        + "sender: " + mail.oneLine() + "; a real MTA retries later.");
                default -> new Verdict(Status.INCONCLUSIVE, at + " refused the sender <" + e.sender() + ">: "
                        + mail.oneLine() + "; the recipient was not tested. Try `from` with an address whose domain "
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
                    + r.oneLine() + ".");
            case RELAY_DENIED -> viaBackup && !primaryDown.isEmpty()
                    ? new Verdict(Status.FAILING, "Mail to " + domain + " is bouncing because the primary MX "
                            + ReachabilityRules.describe(e.mx().primaryGroup()) + " is down and the backup MX "
                            + d.host() + " refuses to relay for the domain: " + r.oneLine() + ".")
                    : new Verdict(Status.FAILING, at + " refuses mail for " + domain + " (" + r.oneLine() + "): the "
                            + "server is not set up to receive for this domain, or the MX points at the wrong server.");
            case BLOCKLISTED_BY_RECEIVER -> blocklisted(at, m, r);
            case GREYLISTED -> new Verdict(Status.DEGRADED, primaryDown + at + " greylists: " + r.oneLine()
                    + "; a real MTA retries and normally gets through within minutes to an hour.");
            case RCPT_MAILBOX_FULL -> new Verdict(Status.DEGRADED, rcpt + "'s mailbox is full at " + at + ": "
                    + r.oneLine() + "; senders keep retrying for a few days while the recipient makes room.");
            case TEMPORARY_FAILURE -> new Verdict(Status.DEGRADED, primaryDown + at + " answered RCPT with a "
                    + "temporary failure: " + r.oneLine() + "; senders retry.");
            default -> new Verdict(Status.FAILING, at + " refuses mail to " + rcpt + " on policy: " + r.oneLine()
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
                        + e.recipient() + " but refused the test message: " + data.oneLine() + ".");
            }
            sent = " It took the test message: " + data.oneLine() + ".";
        }
        Status status = primaryDown.isEmpty() ? Status.OK : Status.DEGRADED;
        String flows = primaryDown.isEmpty() ? "" : "mail flows via the backup: ";
        return new Verdict(status, primaryDown + flows + at + " accepts mail for " + e.recipient() + " ("
                + r.oneLine() + ")." + sent);
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
