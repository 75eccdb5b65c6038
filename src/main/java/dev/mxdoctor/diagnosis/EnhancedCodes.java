package dev.mxdoctor.diagnosis;

import java.util.Map;
import java.util.Optional;

/**
 * What an enhanced status code means, in words: RFC 3463 and the codes registered since (RFC 7372 for email
 * authentication, RFC 7505 for null MX, RFC 8689 for REQUIRETLS), as IANA's registry lists them. The class (2, 4,
 * 5) says success, try again or give up; the subject and detail say what about.
 */
public final class EnhancedCodes {

    private EnhancedCodes() {}

    private static final Map<String, String> DETAIL = Map.ofEntries(
            Map.entry("0.0", "other or undefined status"),
            Map.entry("1.0", "a problem with an address"),
            Map.entry("1.1", "the recipient's mailbox does not exist"),
            Map.entry("1.2", "the recipient's domain or mail system does not exist or does not accept mail"),
            Map.entry("1.3", "the recipient address is not valid syntax"),
            Map.entry("1.4", "the recipient address is ambiguous"),
            Map.entry("1.6", "the mailbox has moved"),
            Map.entry("1.7", "the sender address is not valid syntax"),
            Map.entry("1.8", "the sender's domain is not valid or does not accept mail"),
            Map.entry("1.10", "the recipient's domain publishes a null MX: it accepts no mail (RFC 7505)"),
            Map.entry("2.0", "a problem with the mailbox"),
            Map.entry("2.1", "the mailbox is disabled and not accepting messages"),
            Map.entry("2.2", "the mailbox is full"),
            Map.entry("2.3", "the message is larger than the mailbox accepts"),
            Map.entry("2.4", "a mailing list could not be expanded"),
            Map.entry("3.0", "a problem with the receiving mail system"),
            Map.entry("3.1", "the receiving mail system is out of storage"),
            Map.entry("3.2", "the receiving system is not accepting network messages"),
            Map.entry("3.4", "the message is larger than the system accepts"),
            Map.entry("4.0", "a network or routing problem"),
            Map.entry("4.1", "the next host did not answer"),
            Map.entry("4.3", "a DNS or directory look-up failed"),
            Map.entry("4.4", "no route to the destination"),
            Map.entry("4.7", "the message was too long in the queue"),
            Map.entry("5.0", "a protocol problem"),
            Map.entry("5.1", "a command the server does not accept"),
            Map.entry("5.2", "a command with a syntax error"),
            Map.entry("5.3", "too many recipients"),
            Map.entry("5.4", "invalid command arguments"),
            Map.entry("7.0", "a security or policy reason"),
            Map.entry("7.1", "the sender is not allowed to send this (refused by the receiver's policy)"),
            Map.entry("7.8", "the authentication credentials are not valid"),
            Map.entry("7.9", "the authentication mechanism is too weak"),
            Map.entry("7.10", "encryption is needed"),
            Map.entry("7.11", "encryption is required for the authentication mechanism"),
            Map.entry("7.13", "the user account is disabled"),
            Map.entry("7.14", "a trust relationship is required"),
            Map.entry("7.20", "the message has no passing DKIM signature (RFC 7372)"),
            Map.entry("7.21", "the message has no acceptable DKIM signature (RFC 7372)"),
            Map.entry("7.22", "the message has no valid DKIM signature of the author's domain (RFC 7372)"),
            Map.entry("7.23", "SPF validation failed: the sending IP is not authorised by the sender domain's SPF "
                    + "record (RFC 7372)"),
            Map.entry("7.24", "SPF validation could not be completed (an SPF error, RFC 7372)"),
            Map.entry("7.25", "reverse DNS validation failed: the sending IP's PTR does not resolve back to it "
                    + "(RFC 7372)"),
            Map.entry("7.26", "several authentication checks failed: in practice DMARC (SPF and DKIM both failed "
                    + "or did not align with the From domain) (RFC 7372)"),
            Map.entry("7.27", "the sender address's domain publishes a null MX, so it cannot receive bounces "
                    + "(RFC 7505)"),
            Map.entry("7.28", "too much mail from this sender: flood or rate limit (RFC 8650's registry)"),
            Map.entry("7.29", "ARC validation failed"),
            Map.entry("7.30", "REQUIRETLS was required and is not supported (RFC 8689)"));

    /** The code in words, e.g. "5.7.23: permanent failure: SPF validation failed: …"; empty for unknown forms. */
    public static Optional<String> describe(String code) {
        String[] p = code.split("\\.", 2);
        if (p.length != 2 || !p[0].matches("[245]")) {
            return Optional.empty();
        }
        String kind = switch (p[0]) {
            case "2" -> "success";
            case "4" -> "temporary failure (a sender retries)";
            default -> "permanent failure (a sender gives up and bounces)";
        };
        String detail = DETAIL.get(p[1]);
        if (detail == null) {
            String subject = p[1].split("\\.")[0];
            detail = DETAIL.get(subject + ".0");
        }
        return Optional.ofNullable(detail).map(d -> code + ": " + kind + ": " + d);
    }

    /** Whether the code says the refusal is about the sender's authentication or reputation. */
    static boolean aboutSenderAuthentication(String code) {
        return code.matches("[45]\\.7\\.(2[0-6]|28)");
    }
}
