package dev.mxdoctor.auth;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * One TLSA record (RFC 6698) read as an SMTP client applying DANE reads it (RFC 7672): only DANE-TA(2) and DANE-EE(3)
 * are usable for SMTP; DANE-EE matches the server's own certificate whatever its names and dates say; DANE-TA
 * matches a certificate of the chain the server sent, which must then lead to the server's certificate, and that
 * certificate must name the MX host.
 *
 * @param usage 0 PKIX-TA, 1 PKIX-EE, 2 DANE-TA, 3 DANE-EE
 * @param selector 0 the whole certificate, 1 its SubjectPublicKeyInfo
 * @param matching 0 the data itself, 1 its SHA-256, 2 its SHA-512
 */
public record Tlsa(int usage, int selector, int matching, byte[] data) {

    public Tlsa {
        data = data.clone();
    }

    @Override
    public byte[] data() {
        return data.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Tlsa t && t.usage == usage && t.selector == selector && t.matching == matching
                && Arrays.equals(t.data, data);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * (31 * usage + selector) + matching) + Arrays.hashCode(data);
    }

    /** "3 1 1 5f2a…c9e0", the data shortened when long: for lists of records. */
    @Override
    public String toString() {
        String hex = HexFormat.of().formatHex(data);
        return usage + " " + selector + " " + matching + " " + (hex.length() > 16
                ? hex.substring(0, 8) + "…" + hex.substring(hex.length() - 8) : hex);
    }

    /** "3 1 1 5f2a…" with all its data, as a zone file has it. */
    public String full() {
        return usage + " " + selector + " " + matching + " " + HexFormat.of().formatHex(data);
    }

    /** Whether an SMTP client applying DANE uses this record at all (RFC 7672 3.1.3). */
    public boolean usable() {
        return (usage == 2 || usage == 3) && (selector == 0 || selector == 1) && (matching >= 0 && matching <= 2);
    }

    /** Whether this record's data is that of {@code cert}, by its selector and matching type. */
    public boolean matches(X509Certificate cert) {
        Optional<byte[]> value = associated(cert, selector, matching);
        return value.isPresent() && MessageDigest.isEqual(value.get(), data);
    }

    /** The association data a record with this selector and matching type carries for {@code cert}. */
    public static Optional<byte[]> associated(X509Certificate cert, int selector, int matching) {
        byte[] selected;
        try {
            selected = switch (selector) {
                case 0 -> cert.getEncoded();
                case 1 -> cert.getPublicKey().getEncoded();
                default -> null;
            };
        } catch (CertificateEncodingException e) {
            return Optional.empty();
        }
        if (selected == null) {
            return Optional.empty();
        }
        try {
            return switch (matching) {
                case 0 -> Optional.of(selected);
                case 1 -> Optional.of(MessageDigest.getInstance("SHA-256").digest(selected));
                case 2 -> Optional.of(MessageDigest.getInstance("SHA-512").digest(selected));
                default -> Optional.empty();
            };
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks " + e.getMessage(), e);
        }
    }

    /** The record that would match {@code cert} as DANE-EE by its public key: what a postmaster publishes. */
    public static Tlsa endEntity(X509Certificate cert) {
        return new Tlsa(3, 1, 1, associated(cert, 1, 1).orElseThrow());
    }

    /** How a chain fared against a TLSA record set. */
    public sealed interface Outcome {
        /** A usable record matched; {@code depth} 0 is the server's own certificate. */
        record Matched(Tlsa record, int depth) implements Outcome {}

        /** Usable records exist and none matched; {@code why} says what was compared. */
        record Mismatch(String why) implements Outcome {}

        /** No record is usable for SMTP: a DANE client still insists on TLS, without authenticating it. */
        record NoneUsable() implements Outcome {}
    }

    /**
     * Matches {@code chain} (the server's certificate first) against {@code records}.
     *
     * @param namesHost whether the server's certificate names the MX host (needed for DANE-TA only)
     */
    public static Outcome match(List<Tlsa> records, List<X509Certificate> chain, boolean namesHost) {
        List<Tlsa> usable = records.stream().filter(Tlsa::usable).toList();
        if (usable.isEmpty()) {
            return new Outcome.NoneUsable();
        }
        if (chain.isEmpty()) {
            return new Outcome.Mismatch("the server sent no certificate");
        }
        for (Tlsa r : usable) {
            if (r.usage() == 3 && r.matches(chain.get(0))) {
                return new Outcome.Matched(r, 0);
            }
        }
        boolean taMatchedElsewhere = false;
        for (Tlsa r : usable.stream().filter(t -> t.usage() == 2).toList()) {
            for (int depth = 1; depth < chain.size(); depth++) {
                if (r.matches(chain.get(depth))) {
                    if (leadsTo(chain, depth) && namesHost) {
                        return new Outcome.Matched(r, depth);
                    }
                    taMatchedElsewhere = true;
                }
            }
        }
        String presented = endEntity(chain.get(0)).toString();
        if (taMatchedElsewhere) {
            return new Outcome.Mismatch("a DANE-TA record matches a certificate of the chain, but "
                    + (namesHost ? "the chain does not lead from it to the server's certificate"
                    : "the server's certificate does not name the MX host, which DANE-TA requires"));
        }
        return new Outcome.Mismatch("none of " + usable.size() + " usable record" + (usable.size() == 1 ? "" : "s")
                + " (" + String.join(", ", usable.stream().map(Tlsa::toString).toList()) + ") matches the "
                + chain.size() + " certificate" + (chain.size() == 1 ? "" : "s") + " presented; the server's own key "
                + "is " + presented);
    }

    /** Whether each certificate below {@code depth} is signed by the one above it. */
    private static boolean leadsTo(List<X509Certificate> chain, int depth) {
        Predicate<Integer> signedByNext = i -> {
            try {
                chain.get(i).verify(chain.get(i + 1).getPublicKey());
                return true;
            } catch (GeneralSecurityException e) {
                return false;
            }
        };
        for (int i = 0; i < depth; i++) {
            if (!signedByNext.test(i)) {
                return false;
            }
        }
        return true;
    }
}
