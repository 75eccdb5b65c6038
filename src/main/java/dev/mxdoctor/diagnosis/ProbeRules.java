package dev.mxdoctor.diagnosis;

import dev.mxdoctor.diagnosis.AddressProbe.Outcome;
import dev.mxdoctor.diagnosis.AddressProbe.Ping;
import dev.mxdoctor.diagnosis.Finding.Stage;
import dev.mxdoctor.smtp.TlsFacts;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Connection and TLS findings from the dialogues with each address. Pure. */
public final class ProbeRules {

    private ProbeRules() {}

    /**
     * The findings of one address's dialogue.
     *
     * @param now for certificate expiry
     * @param slowGreeting a greeting later than this is reported as slow (Timeouts.slowGreeting)
     */
    public static List<Finding> findings(AddressProbe p, Instant now, Duration slowGreeting) {
        List<Finding> out = new ArrayList<>();
        String where = p.host() + " (" + p.address() + ")";
        String failure = p.failure().orElse("");
        Stage stage = p.failedStage().orElse(Stage.CONNECT);
        switch (p.outcome()) {
            case OK -> {}
            case NOT_ALLOWED -> out.add(at(p, FindingCode.TARGET_NOT_ALLOWED, Stage.CONNECT,
                    where + " was not probed: " + failure + "."));
            case NO_ROUTE_HERE -> out.add(at(p, FindingCode.NO_ROUTE_FROM_HERE, Stage.CONNECT,
                    where + ": " + failure + "."));
            case NOT_PROBED -> out.add(at(p, FindingCode.CHECK_INCOMPLETE, Stage.CONNECT,
                    where + " was not probed: " + failure + "."));
            case DEADLINE -> out.add(at(p, FindingCode.RUN_DEADLINE_REACHED, stage,
                    where + " had not finished the " + stage.label() + " stage when " + failure + "."));
            case REFUSED -> out.add(at(p, FindingCode.SMTP_CONNECT_REFUSED, Stage.CONNECT,
                    where + " refused the connection to port " + p.port() + (p.ping().isPresent() ? pingSentence(p)
                            : ": the host is up and nothing listens on port " + p.port()) + "."));
            case TIMEOUT, UNREACHABLE -> out.add(at(p, FindingCode.SMTP_CONNECT_TIMEOUT, Stage.CONNECT,
                    where + ": " + failure + " on port " + p.port() + pingSentence(p) + "." + (p.outcome()
                            == Outcome.TIMEOUT ? " Every sender waits out its connection timeout here on every "
                            + "attempt before it tries the next MX." : "")));
            case BANNER_TIMEOUT -> out.add(at(p, FindingCode.SMTP_BANNER_TIMEOUT, Stage.GREETING,
                    where + " accepted the connection but sent no greeting (" + failure + ")."));
            case UNAVAILABLE -> {
                String reply = failure;
                Optional<dev.mxdoctor.smtp.SmtpReply> said = stage == Stage.GREETING ? p.greeting() : p.ehlo();
                boolean permanent = said.map(r -> r.isPermanent()).orElse(false);
                boolean listed = said.flatMap(ReplyRules::blocklist).isPresent();
                Finding f = at(p, FindingCode.SMTP_SERVICE_UNAVAILABLE, stage, where + " refused service "
                        + (stage == Stage.GREETING ? "in its greeting" : "at " + stage.label()) + ": " + reply + "."
                        + (permanent ? " A " + said.get().code() + " is permanent: this host takes no mail, and "
                                + "senders give up on it instead of retrying." : " A " + said.map(r -> r.code())
                                .orElse(421) + " is temporary: senders retry later."))
                        .withEvidence(reply);
                if (permanent && !listed) {
                    f = f.withAdvice("The host says there is no SMTP service for senders: if it is the domain's mail "
                            + "server, let it accept connections on port 25 (a firewall rule, an MTA set to refuse, "
                            + "or a service in maintenance mode); otherwise point the MX at the host that does.");
                } else if (!permanent) {
                    f = f.withAdvice("Temporary: load or a connection limit. Nothing to do if it passes; if it lasts, "
                            + "the server's logs say why it turns connections away.");
                }
                out.add(f);
                (stage == Stage.GREETING ? p.greeting() : p.ehlo()).flatMap(ReplyRules::blocklist).ifPresent(list ->
                        out.add(at(p, FindingCode.BLOCKLISTED_BY_RECEIVER, stage, where + " refuses mxdoctor's IP"
                                + (list.isEmpty() ? "" : " as listed on " + list) + ": " + reply + ".")
                        .withEvidence(reply)));
            }
            case PROTOCOL_ERROR -> out.add(at(p, FindingCode.SMTP_PROTOCOL_ERROR, stage,
                    where + " did not answer in SMTP at the " + stage.label() + " stage: " + failure + ".")
                    .withEvidence(failure));
            case DISCONNECTED -> {
                Finding f = at(p, FindingCode.SMTP_DISCONNECTED, stage, where + " closed the connection at the "
                        + stage.label() + " stage without a reply (" + failure + ").");
                out.add(stage == Stage.MAIL || stage == Stage.RCPT
                        ? f.withAdvice("A server that hangs up after MAIL FROM often drops clients by reputation or "
                                + "blocklist: check the sending IP's listings and the server's logs.")
                        : f);
            }
            case REPLY_TIMEOUT -> out.add(at(p, FindingCode.SMTP_REPLY_TIMEOUT, stage,
                    where + " sent no reply at the " + stage.label() + " stage (" + failure + ")."));
        }
        p.greetingMs().ifPresent(ms -> {
            if (ms >= slowGreeting.toMillis() && p.greeting().isPresent()) {
                out.add(at(p, FindingCode.SMTP_BANNER_SLOW, Stage.GREETING, where + " greeted after "
                        + String.format(Locale.ROOT, "%.1f", ms / 1000.0) + " s; mxdoctor waited, as senders do."));
            }
        });
        tlsFindings(p, now, where).forEach(out::add);
        p.reverse().ifPresent(r -> nameFindings(p, r, where).forEach(out::add));
        return out;
    }

    /** Reverse DNS of the mail host's address, and the name its greeting gives (RFC 1912 2.1, RFC 5321 4.3.1). */
    private static List<Finding> nameFindings(AddressProbe p, AddressProbe.ReverseDns r, String where) {
        List<Finding> out = new ArrayList<>();
        if (r.names().isEmpty()) {
            if (r.lookup().outcome() == DnsStatus.Outcome.NXDOMAIN || r.lookup().outcome() == DnsStatus.Outcome.NODATA) {
                out.add(at(p, FindingCode.PTR_MISSING, Stage.DNS, where + " has no PTR record (" + r.lookup().detail()
                        + ")."));
            }
            return out;
        }
        if (!r.forwardConfirmed()) {
            // The fix is on the address's side: its PTR should name the mail host, which already resolves to it.
            out.add(at(p, FindingCode.PTR_MISMATCH, Stage.DNS, where + "'s PTR names " + String.join(", ", r.names())
                    + ", which does not resolve back to " + p.address() + ".").withEvidence(p.address() + " PTR "
                    + String.join(", ", r.names())).withAdvice("Ask the owner of " + p.address() + " (usually the "
                    + "hosting provider) to change its PTR to " + p.host() + ", which resolves to it, and have the "
                    + "server announce " + p.host() + " in HELO/EHLO."));
        }
        p.greeting().filter(g -> g.code() == 220).ifPresent(g -> {
            String named = g.textLines().get(0).split("\\s+")[0].toLowerCase(Locale.ROOT);
            boolean hostName = named.contains(".") && dev.mxdoctor.command.Names.ipLiteral(named).isEmpty();
            if (hostName && !named.equals(p.host().toLowerCase(Locale.ROOT)) && r.names().stream()
                    .noneMatch(n -> n.equalsIgnoreCase(named))) {
                out.add(at(p, FindingCode.BANNER_HOSTNAME_MISMATCH, Stage.GREETING, where + " greets as " + named
                        + ", which is neither the MX host name nor its PTR name (" + String.join(", ", r.names())
                        + ").").withEvidence(g.oneLine()));
            }
        });
        return out;
    }

    private static List<Finding> tlsFindings(AddressProbe p, Instant now, String where) {
        List<Finding> out = new ArrayList<>();
        if (p.tlsFailure().isPresent()) {
            String why = p.tlsFailure().get();
            String lower = why.toLowerCase(Locale.ROOT);
            boolean oldVersion = lower.contains("protocol_version") || lower.contains("no appropriate protocol")
                    || lower.contains("protocol is disabled") || lower.contains("unsupported protocol");
            String what = why.startsWith("STARTTLS refused: ")
                    ? " advertises STARTTLS but refused it (" + why.substring("STARTTLS refused: ".length())
                            + "): TLS is offered and not available"
                    : " advertised STARTTLS and agreed to it, but the TLS handshake failed " + why + ": "
                            + tlsFailureMeaning(lower);
            out.add(at(p, oldVersion ? FindingCode.TLS_OLD_PROTOCOL : FindingCode.TLS_HANDSHAKE_FAILED,
                    Stage.STARTTLS, where + what + ". " + TLS_FAILURE_IMPACT).withEvidence(why));
            return out;
        }
        Optional<TlsFacts> tls = p.tls();
        if (tls.isEmpty()) {
            if (p.speaksSmtp() && !p.heloFallback() && p.capabilities().isPresent()
                    && !p.capabilities().get().has("STARTTLS")) {
                out.add(at(p, FindingCode.TLS_NOT_OFFERED, Stage.EHLO, where
                        + " does not offer STARTTLS in its EHLO reply: mail to it travels unencrypted."));
            } else if (p.heloFallback()) {
                out.add(at(p, FindingCode.TLS_NOT_OFFERED, Stage.EHLO, where
                        + " refused EHLO and answered only HELO, so it offers no extensions and no STARTTLS.")
                        .withEvidence(p.ehlo().map(r -> r.oneLine()).orElse(null))
                        .withAdvice("Enable ESMTP (EHLO) on the server, or replace what answers on port 25: "
                                + "STARTTLS, SIZE and 8BITMIME all come with ESMTP (RFC 5321), none without it."));
            }
            return out;
        }
        TlsFacts t = tls.get();
        if (!t.trusted()) {
            out.add(at(p, FindingCode.TLS_CERT_UNTRUSTED, Stage.STARTTLS, where + "'s certificate (" + t.subject()
                    + ", issued by " + t.issuer() + ") is not trusted: " + t.trustProblem().orElse("?") + ".")
                    .withEvidence(t.subject()));
        }
        if (!t.namesHost()) {
            out.add(at(p, FindingCode.TLS_CERT_NAME_MISMATCH, Stage.STARTTLS, where + "'s certificate is for "
                    + (t.names().isEmpty() ? "no DNS name" : String.join(", ", t.names())) + ", not " + p.host()
                    + ".").withEvidence(t.subject()));
        }
        if (t.expiredAt(now)) {
            boolean notYet = now.isBefore(t.notBefore());
            out.add(at(p, FindingCode.TLS_CERT_EXPIRED, Stage.STARTTLS, where + "'s certificate "
                    + (notYet ? "is not valid before " + t.notBefore() : "expired on " + t.notAfter()) + ".")
                    .withEvidence(t.subject()));
        }
        if (t.oldProtocol()) {
            out.add(at(p, FindingCode.TLS_OLD_PROTOCOL, Stage.STARTTLS, where + " negotiated " + t.protocol()
                    + "."));
        }
        return out;
    }

    /** What a failed STARTTLS means for the two kinds of sender. */
    static final String TLS_FAILURE_IMPACT = "Senders that require TLS (MTA-STS in enforce mode, DANE) cannot "
            + "deliver to it at all; the others (most) try again without TLS, so their mail arrives late and "
            + "unencrypted";

    /** The JDK's TLS error messages in the words of the trade. */
    static String tlsFailureMeaning(String lower) {
        if (lower.contains("protocol_version") || lower.contains("no appropriate protocol")
                || lower.contains("protocol is disabled") || lower.contains("unsupported protocol")) {
            return "no TLS version in common (the server seems to offer only TLS 1.0/1.1 or older)";
        }
        if (lower.contains("unrecognized ssl message") || lower.contains("plaintext")) {
            return "the server answered in plain text instead of starting TLS";
        }
        if (lower.contains("handshake_failure") || lower.contains("no cipher suites in common")
                || lower.contains("insufficient_security")) {
            return "the server refused the handshake: no protocol version or cipher suite in common";
        }
        if (lower.contains("certification path") || lower.contains("pkix") || lower.contains("bad_certificate")
                || lower.contains("certificate_unknown") || lower.contains("unknown_ca")) {
            return "the certificate could not be verified (self-signed, or issued by an unknown CA)";
        }
        if (lower.contains("internal_error")) {
            return "the server reported an internal TLS error (often a certificate without its key, or a broken "
                    + "chain)";
        }
        if (lower.contains("terminated the handshake") || lower.contains("end of stream") || lower.contains("eof")
                || lower.contains("closed")) {
            return "the server closed the connection during the handshake (typically a TLS setup without a usable "
                    + "certificate or key)";
        }
        if (lower.contains("reset")) {
            return "the server reset the connection during the handshake";
        }
        if (lower.contains("timed out") || lower.contains("timeout")) {
            return "the server went silent during the handshake";
        }
        return "the handshake did not complete";
    }

    private static String pingSentence(AddressProbe p) {
        if (p.ping().isEmpty()) {
            return "";
        }
        Ping ping = p.ping().get();
        return switch (ping.result()) {
            case REPLY -> "; the host answers ping (" + ping.detail() + "), so it is up and port " + p.port()
                    + (p.outcome() == Outcome.REFUSED ? " is closed" : " is filtered");
            case NO_REPLY -> "; it does not answer ping either (" + ping.detail()
                    + "): the host is down, or ICMP is filtered too";
            case UNAVAILABLE -> "; " + ping.detail();
        };
    }

    static Finding at(AddressProbe p, FindingCode code, Stage stage, String detail) {
        return Finding.of(code, stage, p.host(), detail).withAddress(p.address());
    }
}
