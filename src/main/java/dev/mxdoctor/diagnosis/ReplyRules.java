package dev.mxdoctor.diagnosis;

import dev.mxdoctor.smtp.SmtpReply;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a server's reply to MAIL, RCPT or DATA means (RFC 5321 4.2, RFC 3463, and the wordings of real servers in
 * shared/KNOWLEDGE.md). Enhanced status codes are read first, the text second; an unknown reply still gets an
 * honest finding from its code class. Pure.
 */
public final class ReplyRules {

    private ReplyRules() {}

    /** The meaning of one reply: a code and, for blocklists, the list named. */
    public record Meaning(FindingCode code, Optional<String> blocklist) {
        static Meaning of(FindingCode code) {
            return new Meaning(code, Optional.empty());
        }
    }

    private static final Pattern DNSBL_ZONE = Pattern.compile(
            "\\b((?:[a-z0-9-]+\\.)*(?:spamhaus\\.org|spamcop\\.net|barracudacentral\\.org|sorbs\\.net|"
                    + "uceprotect\\.net|abuseat\\.org|mailspike\\.net|spameatingmonkey\\.net|s5h\\.net|"
                    + "senderscore\\.com|psbl\\.surriel\\.com|dnsbl[a-z0-9.-]*|[a-z0-9.-]*\\.?rbl\\.[a-z0-9.-]+|"
                    + "[a-z0-9-]+\\.dnsbl\\.[a-z0-9.-]+|[a-z0-9.-]*blocklist[a-z0-9.-]*\\.[a-z]{2,}))\\b");
    /** "blocked using zen.spamhaus.org", "listed in dnsbl.example.net": the zone right after the phrase. */
    private static final Pattern NAMED_ZONE = Pattern.compile(
            "(?:blocked (?:using|by)|listed (?:in|at|on|by))\\s+(?:the\\s+)?([a-z0-9-]+(?:\\.[a-z0-9-]+)+\\.[a-z]{2,})");
    private static final List<String> BLOCKLIST_WORDS = List.of("blocked using", "listed in", "listed at",
            "listed on", "is listed", "blacklist", "blocklist", "block list", "black list", "dnsbl", " rbl",
            "spamhaus", "spamcop", "barracuda", "(s3140)", "(s3150)", "(as3140)", "(as3150)", "s3140", "s3150",
            "banned sending ip", "poor reputation", "client host rejected: blocked", "rejected because of ip");
    private static final List<String> RELAY_WORDS = List.of("relay access denied", "relaying denied",
            "relay not permitted", "not permitted to relay", "relaying not allowed", "relay denied",
            "we do not relay", "unable to relay", "relay not allowed", "not allowed to relay", "no relaying",
            "relaying mail to", "does not accept mail for", "not a gateway for", "relay prohibited",
            "allowed rcpthosts");
    private static final List<String> UNKNOWN_USER_WORDS = List.of("user unknown", "unknown user",
            "no such user", "does not exist", "unknown recipient", "recipient unknown", "address rejected",
            "mailbox unavailable", "no mailbox", "invalid recipient", "recipient not found", "no such recipient",
            "not a valid mailbox", "mailbox not found", "unknown local part", "unrouteable address",
            "user not found", "undeliverable address", "recipientnotfound", "doesn't have a",
            "no such account", "account does not exist", "no mailbox here");
    private static final List<String> DISABLED_WORDS = List.of("account disabled", "mailbox disabled",
            "account is disabled", "account has been disabled", "mailbox is disabled", "account suspended",
            "account is suspended", "mailbox inactive", "account inactive", "account is inactive", "deactivated");
    /** Refusals about who sends, in the words of the big receivers and of SPF/DMARC/rDNS milters. */
    private static final List<String> SENDER_AUTH_WORDS = List.of("spf", "dmarc", "dkim", "not authenticated",
            "unauthenticated", "authentication checks", "reverse dns", "ptr record", "rdns", "reverse hostname",
            "reverse host name", "sender policy framework",
            "sender not authorized", "not designated as permitted sender", "does not designate",
            "ip address sending this message does not have", "sending rate", "rate limit", "too many messages");
    private static final List<String> AUTH_REQUIRED_WORDS = List.of("authentication required",
            "must authenticate", "authentication is required", "auth required", "please authenticate",
            "sender address must be authenticated", "relay access denied: authenticate first",
            "client not authenticated");
    private static final List<String> FULL_WORDS = List.of("mailbox full", "over quota", "quota exceeded",
            "mailbox is full", "exceeded storage", "insufficient storage", "quota", "mailbox size limit");
    private static final List<String> GREYLIST_WORDS = List.of("greylist", "graylist", "grey-list",
            "gray-list", "try again later", "please retry", "retry later",
            "deferred for", "come back later");
    private static final List<String> POLICY_WORDS = List.of("starttls", "tls required", "must issue",
            "authentication required", "spf", "dkim", "dmarc", "reverse dns", "ptr record", "policy",
            "unauthenticated", "not authorized", "spam", "rejected for policy", "ipv6 sending guidelines",
            "helo", "ehlo");

    /** The meaning of a reply to MAIL FROM. */
    public static Meaning mail(SmtpReply reply) {
        if (reply.isPositive()) {
            return Meaning.of(FindingCode.RCPT_ACCEPTED); // not reported: MAIL accepted is no news
        }
        Optional<String> list = blocklist(reply);
        if (list.isPresent()) {
            return new Meaning(FindingCode.BLOCKLISTED_BY_RECEIVER, list.get().isEmpty() ? Optional.empty() : list);
        }
        if (requiresAuthentication(reply)) {
            return Meaning.of(FindingCode.MX_REQUIRES_AUTHENTICATION);
        }
        if (aboutSender(reply)) {
            return Meaning.of(FindingCode.SENDER_NOT_AUTHENTICATED);
        }
        if (reply.isTransient()) {
            return Meaning.of(greylisting(reply) ? FindingCode.GREYLISTED : FindingCode.TEMPORARY_FAILURE);
        }
        if (policy(reply)) {
            return Meaning.of(FindingCode.POLICY_REJECTED);
        }
        return Meaning.of(FindingCode.SENDER_REJECTED);
    }

    /** The meaning of a reply to RCPT TO. */
    public static Meaning rcpt(SmtpReply reply) {
        if (reply.isPositive()) {
            return Meaning.of(FindingCode.RCPT_ACCEPTED);
        }
        String enhanced = reply.enhanced().orElse("");
        String text = reply.text().toLowerCase(Locale.ROOT);
        Optional<String> list = blocklist(reply);
        if (list.isPresent()) {
            return new Meaning(FindingCode.BLOCKLISTED_BY_RECEIVER, list.get().isEmpty() ? Optional.empty() : list);
        }
        if (enhanced.endsWith(".2.2") || reply.code() == 552 || (reply.code() == 452 && containsAny(text, FULL_WORDS))
                || containsAny(text, List.of("mailbox full", "over quota", "quota exceeded", "mailbox is full"))) {
            return Meaning.of(FindingCode.RCPT_MAILBOX_FULL);
        }
        if (containsAny(text, RELAY_WORDS)) {
            return Meaning.of(FindingCode.RELAY_DENIED);
        }
        if (requiresAuthentication(reply)) {
            return Meaning.of(FindingCode.MX_REQUIRES_AUTHENTICATION);
        }
        if (aboutSender(reply)) {
            return Meaning.of(FindingCode.SENDER_NOT_AUTHENTICATED);
        }
        if (enhanced.endsWith(".2.1") || enhanced.endsWith(".7.13") || containsAny(text, DISABLED_WORDS)) {
            return Meaning.of(FindingCode.RCPT_MAILBOX_DISABLED);
        }
        if (enhanced.endsWith(".1.1") || enhanced.endsWith(".1.10")) {
            return Meaning.of(FindingCode.RCPT_USER_UNKNOWN);
        }
        if (enhanced.startsWith("5.7.")) {
            return Meaning.of(FindingCode.POLICY_REJECTED);
        }
        if (reply.isPermanent() && containsAny(text, UNKNOWN_USER_WORDS)) {
            return Meaning.of(FindingCode.RCPT_USER_UNKNOWN);
        }
        if (reply.isTransient()) {
            return Meaning.of(greylisting(reply) ? FindingCode.GREYLISTED : FindingCode.TEMPORARY_FAILURE);
        }
        if (enhanced.startsWith("5.7.") || policy(reply)) {
            return Meaning.of(FindingCode.POLICY_REJECTED);
        }
        if (reply.code() == 550 && enhanced.isEmpty()) {
            // a bare 550 to RCPT is "mailbox unavailable" (RFC 5321 4.2.2)
            return Meaning.of(FindingCode.RCPT_USER_UNKNOWN);
        }
        return Meaning.of(FindingCode.POLICY_REJECTED);
    }

    /** The meaning of a reply after DATA or the message's final dot. */
    public static Meaning data(SmtpReply reply) {
        if (reply.isPositive()) {
            return Meaning.of(FindingCode.RCPT_ACCEPTED);
        }
        Optional<String> list = blocklist(reply);
        if (list.isPresent()) {
            return new Meaning(FindingCode.BLOCKLISTED_BY_RECEIVER, list.get().isEmpty() ? Optional.empty() : list);
        }
        if (reply.isTransient()) {
            return Meaning.of(greylisting(reply) ? FindingCode.GREYLISTED : FindingCode.TEMPORARY_FAILURE);
        }
        return Meaning.of(FindingCode.POLICY_REJECTED);
    }

    /**
     * Whether the reply names a blocklist: the list's zone when it can be found ("zen.spamhaus.org"), an empty
     * string when the reply clearly speaks of a blocklist without naming one, empty when it does not.
     */
    public static Optional<String> blocklist(SmtpReply reply) {
        String text = " " + reply.text().toLowerCase(Locale.ROOT);
        if (!containsAny(text, BLOCKLIST_WORDS) && !reply.enhanced().orElse("").equals("5.7.606")) {
            return Optional.empty();
        }
        Matcher named = NAMED_ZONE.matcher(text);
        if (named.find()) {
            return Optional.of(named.group(1).replaceAll("[.-]+$", ""));
        }
        Matcher m = DNSBL_ZONE.matcher(text);
        while (m.find()) {
            String zone = m.group(1).replaceAll("[.-]+$", "");
            if (zone.contains(".")) {
                return Optional.of(zone);
            }
        }
        if (text.contains("s3140") || text.contains("s3150")) {
            return Optional.of("Microsoft's block list (" + (text.contains("s3150") ? "S3150" : "S3140") + ")");
        }
        if (reply.enhanced().orElse("").equals("5.7.606")) {
            return Optional.of("Microsoft's banned sending IPs (5.7.606)");
        }
        return Optional.of("");
    }

    /** Where the provider that wrote this reply explains it, when the reply is one of the well-known ones. */
    public static Optional<String> providerAdvice(SmtpReply reply) {
        String text = reply.text().toLowerCase(Locale.ROOT);
        String enhanced = reply.enhanced().orElse("");
        if (text.contains("s3140") || text.contains("s3150") || enhanced.equals("5.7.606")) {
            return Optional.of("Microsoft: request delisting at https://sender.office.com and watch the IP in SNDS "
                    + "(https://sendersupport.olc.protection.outlook.com/snds/).");
        }
        if (text.contains("spamhaus")) {
            return Optional.of("Spamhaus: look the IP up at https://check.spamhaus.org (SBL, XBL and PBL have "
                    + "different remedies; PBL means: send through your provider's smarthost).");
        }
        if (text.contains("support.google.com") || text.contains("gsmtp")) {
            return switch (enhanced) {
                case "5.7.26", "5.7.27" -> Optional.of("Gmail: https://support.google.com/mail/answer/81126 "
                        + "(authenticate with SPF and DKIM, align with DMARC).");
                case "4.7.28", "4.7.0" -> Optional.of("Gmail rate limiting: https://support.google.com/mail/answer/"
                        + "188131; slow down and check authentication.");
                case "5.7.25" -> Optional.of("Gmail requires forward-confirmed reverse DNS: "
                        + "https://support.google.com/mail/answer/81126.");
                default -> Optional.of("Gmail's explanation: the URL in the reply.");
            };
        }
        if (text.contains("yahoo")) {
            return Optional.of("Yahoo: https://senders.yahooinc.com/smtp-error-codes/ explains the code in brackets.");
        }
        return Optional.empty();
    }

    /**
     * A refusal about the sender's authentication or reputation: an RFC 7372 code, or a 5.7.x / 4.7.x / bare
     * 550/554 reply whose text speaks of SPF, DKIM, DMARC, reverse DNS or the sending rate.
     */
    static boolean aboutSender(SmtpReply reply) {
        String enhanced = reply.enhanced().orElse("");
        if (EnhancedCodes.aboutSenderAuthentication(enhanced)) {
            return true;
        }
        boolean policyClass = enhanced.startsWith("5.7.") || enhanced.startsWith("4.7.") || enhanced.isEmpty();
        return policyClass && containsAny(reply.text().toLowerCase(Locale.ROOT), SENDER_AUTH_WORDS);
    }

    /** "530 5.7.0 Authentication required" and its kin: the server wants SMTP AUTH before it takes mail. */
    static boolean requiresAuthentication(SmtpReply reply) {
        String text = reply.text().toLowerCase(Locale.ROOT);
        return (reply.code() == 530 || reply.enhanced().orElse("").equals("5.7.0")
                || reply.enhanced().orElse("").equals("5.7.1")) && containsAny(text, AUTH_REQUIRED_WORDS)
                || (reply.code() == 530 && reply.enhanced().orElse("").equals("5.7.0")
                        && !containsAny(text, List.of("starttls", "tls")));
    }

    private static boolean greylisting(SmtpReply reply) {
        return containsAny(reply.text().toLowerCase(Locale.ROOT), GREYLIST_WORDS);
    }

    private static boolean policy(SmtpReply reply) {
        return reply.enhanced().orElse("").startsWith("5.7.")
                || containsAny(reply.text().toLowerCase(Locale.ROOT), POLICY_WORDS) || reply.code() == 530;
    }

    private static boolean containsAny(String text, List<String> words) {
        for (String w : words) {
            if (text.contains(w)) {
                return true;
            }
        }
        return false;
    }
}
