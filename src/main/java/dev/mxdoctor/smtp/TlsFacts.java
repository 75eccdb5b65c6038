package dev.mxdoctor.smtp;

import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What a STARTTLS handshake established and what the server's certificate says.
 *
 * @param trusted whether the chain validates against the trust store (the JDK's plus MXDOCTOR_TLS_CA_FILE)
 * @param trustProblem why it does not, in the validator's words
 * @param names the DNS names the certificate is valid for (subject alternative names, else the CN)
 * @param namesHost whether one of {@code names} matches the MX host name (RFC 6125, leftmost wildcard only)
 * @param chain the certificates as the server sent them, its own first (what DANE's TLSA records are matched against)
 */
public record TlsFacts(
        String protocol,
        String cipher,
        String subject,
        String issuer,
        List<String> names,
        boolean namesHost,
        boolean trusted,
        Optional<String> trustProblem,
        Instant notBefore,
        Instant notAfter,
        List<X509Certificate> chain) {

    public TlsFacts {
        names = List.copyOf(names);
        chain = List.copyOf(chain);
    }

    /** Whether the certificate is outside its validity period at {@code now}. */
    public boolean expiredAt(Instant now) {
        return now.isAfter(notAfter) || now.isBefore(notBefore);
    }

    /** Whether the protocol is TLS 1.0 or 1.1 (RFC 8996 deprecates them). */
    public boolean oldProtocol() {
        return protocol.equals("TLSv1") || protocol.equals("TLSv1.1") || protocol.startsWith("SSL");
    }

    /** RFC 6125 6.4: a name matches exactly, or by a wildcard standing for the whole leftmost label. */
    static boolean matches(String pattern, String host) {
        String p = pattern.toLowerCase(java.util.Locale.ROOT);
        String h = host.toLowerCase(java.util.Locale.ROOT);
        if (p.endsWith(".")) {
            p = p.substring(0, p.length() - 1);
        }
        if (h.endsWith(".")) {
            h = h.substring(0, h.length() - 1);
        }
        if (p.startsWith("*.")) {
            int dot = h.indexOf('.');
            return dot > 0 && h.substring(dot + 1).equals(p.substring(2));
        }
        return p.equals(h);
    }
}
