package dev.mxdoctor.command;

import java.net.IDN;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Turns what people paste (upper case, trailing dots, Unicode names, e-mail addresses, URLs) into validated DNS
 * names and IP literals, with a message that says exactly what is wrong otherwise. Pure: no look-ups.
 */
public final class Names {

    /** Longest name in octets, as written without the trailing dot (RFC 1035 2.3.4: 255 on the wire). */
    public static final int MAX_NAME = 253;

    /** Longest label in octets (RFC 1035 2.3.4). */
    public static final int MAX_LABEL = 63;

    private static final Pattern IPV4 =
            Pattern.compile("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
    private static final Pattern IPV6_CHARS = Pattern.compile("[0-9a-fA-F:.]+(%[\\w.]+)?");

    private Names() {}

    /** Why a name was refused; the message is shown to the user as it is. */
    public static final class InvalidNameException extends Exception {
        /** Never null: every one is made with a message. */
        @Override
        public String getMessage() {
            return java.util.Objects.requireNonNullElse(super.getMessage(), getClass().getSimpleName());
        }

        private static final long serialVersionUID = 1L;

        InvalidNameException(String message) {
            super(message);
        }
    }

    /**
     * Validates a host or domain name. {@code allowUnderscore} admits labels like {@code _dmarc} that are legal
     * DNS names but not host names.
     */
    public static DomainName domain(String input, boolean allowUnderscore) throws InvalidNameException {
        String s = input.strip();
        if (s.endsWith(".") && s.length() > 1) {
            s = s.substring(0, s.length() - 1);
        }
        if (s.isEmpty() || s.equals(".")) {
            throw new InvalidNameException("the name is empty");
        }
        if (s.startsWith(".") || s.contains("..")) {
            throw new InvalidNameException("'" + input + "' has an empty label (two dots in a row, or a leading dot)");
        }
        List<String> asciiLabels = new ArrayList<>();
        List<String> unicodeLabels = new ArrayList<>();
        for (String label : s.split("\\.")) {
            String ascii = asciiLabel(label, input, allowUnderscore);
            asciiLabels.add(ascii);
            unicodeLabels.add(ascii.startsWith("xn--") ? unicode(ascii) : ascii);
        }
        String ascii = String.join(".", asciiLabels);
        int octets = ascii.getBytes(StandardCharsets.US_ASCII).length;
        if (octets > MAX_NAME) {
            throw new InvalidNameException("the name is " + octets + " octets long; a DNS name can have at most "
                    + MAX_NAME);
        }
        return new DomainName(ascii, String.join(".", unicodeLabels).toLowerCase(Locale.ROOT));
    }

    /** The Unicode form of an xn-- label for display; the label itself when it does not decode. */
    private static String unicode(String asciiLabel) {
        try {
            return IDN.toUnicode(asciiLabel);
        } catch (RuntimeException e) {
            return asciiLabel;
        }
    }

    private static String asciiLabel(String label, String input, boolean allowUnderscore)
            throws InvalidNameException {
        String ascii;
        if (label.chars().allMatch(c -> c < 0x80)) {
            ascii = label.toLowerCase(Locale.ROOT);
        } else {
            try {
                ascii = IDN.toASCII(label, IDN.USE_STD3_ASCII_RULES).toLowerCase(Locale.ROOT);
            } catch (RuntimeException e) {
                // The JDK's IDN throws IllegalArgumentException, and a bare RuntimeException for very long input.
                throw new InvalidNameException("'" + abbreviate(label) + "' is not a valid internationalised label");
            }
        }
        if (ascii.length() > MAX_LABEL) {
            throw new InvalidNameException("the label '" + abbreviate(label) + "' is " + ascii.length()
                    + " octets long; a DNS label can have at most " + MAX_LABEL);
        }
        for (int i = 0; i < ascii.length(); i++) {
            char c = ascii.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || (allowUnderscore && c == '_');
            if (!ok) {
                throw new InvalidNameException("'" + printable(c) + "' cannot be in a host name ('" + abbreviate(input)
                        + "'): use letters, digits, hyphens and dots");
            }
        }
        if (ascii.startsWith("-") || ascii.endsWith("-")) {
            throw new InvalidNameException("the label '" + label + "' starts or ends with a hyphen");
        }
        return ascii;
    }

    /** The IP address written in {@code s} (IPv4, IPv6, or either in brackets), without any DNS look-up. */
    public static Optional<InetAddress> ipLiteral(String s) {
        String t = s.strip();
        if (t.startsWith("[") && t.endsWith("]")) {
            t = t.substring(1, t.length() - 1);
        }
        if (t.endsWith(".") && IPV4.matcher(t.substring(0, t.length() - 1)).matches()) {
            t = t.substring(0, t.length() - 1);
        }
        boolean v4 = IPV4.matcher(t).matches();
        boolean v6 = t.indexOf(':') >= 0 && IPV6_CHARS.matcher(t).matches();
        if (!v4 && !v6) {
            return Optional.empty();
        }
        try {
            // Safe: the patterns above admit only literals, which getByName parses without a look-up.
            return Optional.of(InetAddress.getByName(t));
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }

    /** The reverse-lookup name of an address: 4.3.2.1.in-addr.arpa or the ip6.arpa nibbles. */
    public static DomainName reverseName(InetAddress address) {
        byte[] b = address.getAddress();
        StringBuilder sb = new StringBuilder();
        if (b.length == 4) {
            for (int i = 3; i >= 0; i--) {
                sb.append(b[i] & 0xff).append('.');
            }
            sb.append("in-addr.arpa");
        } else {
            for (int i = b.length - 1; i >= 0; i--) {
                sb.append(Character.forDigit(b[i] & 0xf, 16)).append('.');
                sb.append(Character.forDigit((b[i] >> 4) & 0xf, 16)).append('.');
            }
            sb.append("ip6.arpa");
        }
        return new DomainName(sb.toString(), sb.toString());
    }

    /**
     * Strips what surrounds a name when people paste it: an e-mail address gives its domain, a URL its host.
     * Returns the bare candidate name; validation is {@link #domain}'s job.
     */
    public static String hostOf(String pasted) throws InvalidNameException {
        String s = pasted.strip();
        if (s.regionMatches(true, 0, "mailto:", 0, 7)) {
            s = s.substring(7);
        }
        if (s.contains("://")) {
            try {
                URI uri = new URI(s);
                if (uri.getHost() != null) {
                    return uri.getHost();
                }
                // Non-ASCII hosts are not parsed by URI: take the authority by hand.
                String authority = uri.getRawAuthority();
                if (authority != null) {
                    return stripPort(authority.substring(authority.lastIndexOf('@') + 1));
                }
            } catch (java.net.URISyntaxException e) {
                // fall through to the manual cut below
            }
            String rest = s.substring(s.indexOf("://") + 3);
            int end = indexOfAny(rest, "/?#");
            return stripPort(end < 0 ? rest : rest.substring(0, end));
        }
        int at = s.lastIndexOf('@');
        if (at >= 0) {
            if (at == s.length() - 1) {
                throw new InvalidNameException("'" + pasted + "' has nothing after the @");
            }
            return s.substring(at + 1);
        }
        return s;
    }

    private static String stripPort(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        return colon > 0 && hostPort.indexOf(':') == colon ? hostPort.substring(0, colon) : hostPort;
    }

    private static int indexOfAny(String s, String chars) {
        for (int i = 0; i < s.length(); i++) {
            if (chars.indexOf(s.charAt(i)) >= 0) {
                return i;
            }
        }
        return -1;
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 37) + "...";
    }

    private static String printable(char c) {
        return c < 0x20 || c == 0x7f ? String.format("\\u%04x", (int) c) : String.valueOf(c);
    }
}
