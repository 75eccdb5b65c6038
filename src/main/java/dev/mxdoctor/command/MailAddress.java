package dev.mxdoctor.command;

import dev.mxdoctor.command.Names.InvalidNameException;
import java.util.Objects;

/**
 * An e-mail address for the SMTP envelope: a dot-atom local part (RFC 5321 4.1.2) and a validated domain. Nothing
 * that could break out of {@code MAIL FROM:<...>} or {@code RCPT TO:<...>} passes.
 */
public record MailAddress(String local, DomainName domain) {

    /** Longest local part in octets (RFC 5321 4.5.3.1.1). */
    static final int MAX_LOCAL = 64;

    private static final String ATEXT_SPECIALS = "!#$%&'*+/=?^_`{|}~-";

    public MailAddress {
        Objects.requireNonNull(local, "local");
        Objects.requireNonNull(domain, "domain");
    }

    /** Parses "user@example.com", also in angle brackets or with a "mailto:" in front. */
    public static MailAddress parse(String input) throws InvalidNameException {
        String s = input.strip();
        if (s.regionMatches(true, 0, "mailto:", 0, 7)) {
            s = s.substring(7);
        }
        if (s.startsWith("<") && s.endsWith(">")) {
            s = s.substring(1, s.length() - 1);
        }
        int at = s.lastIndexOf('@');
        if (at < 0) {
            throw new InvalidNameException("'" + input + "' is not an e-mail address (no @)");
        }
        String local = s.substring(0, at);
        if (local.isEmpty()) {
            throw new InvalidNameException("'" + input + "' has nothing before the @");
        }
        if (at == s.length() - 1) {
            throw new InvalidNameException("'" + input + "' has nothing after the @");
        }
        if (local.length() > MAX_LOCAL) {
            throw new InvalidNameException("the local part of '" + input + "' is " + local.length()
                    + " characters long; at most " + MAX_LOCAL);
        }
        if (local.startsWith(".") || local.endsWith(".") || local.contains("..")) {
            throw new InvalidNameException("the local part of '" + input + "' has a misplaced dot");
        }
        for (int i = 0; i < local.length(); i++) {
            char c = local.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.'
                    || ATEXT_SPECIALS.indexOf(c) >= 0;
            if (!ok) {
                throw new InvalidNameException("'" + (c < 0x20 ? "control character" : String.valueOf(c))
                        + "' cannot be in the local part of '" + input + "' (quoted and non-ASCII local parts are "
                        + "not supported)");
            }
        }
        DomainName domain = Names.domain(s.substring(at + 1), false);
        return new MailAddress(local, domain);
    }

    /** The address as it goes on the wire: local@a-label.domain. */
    public String ascii() {
        return local + "@" + domain.ascii();
    }

    /** The address for people, with the domain in both forms when internationalised. */
    public String display() {
        return local + "@" + domain.display();
    }

    @Override
    public String toString() {
        return ascii();
    }
}
