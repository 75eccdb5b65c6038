package dev.mxdoctor.testing;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.xbill.DNS.DClass;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.DNSSEC;
import org.xbill.DNS.DSRecord;
import org.xbill.DNS.NSECRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.RRset;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;
import org.xbill.DNS.Zone;

/**
 * Signs a zone text for {@link FakeDnsServer} as a DNSSEC signer would: one ECDSA P-256 key (algorithm 13) as
 * DNSKEY at the apex, an NSEC chain over every name, and an RRSIG over every RRset. The DS record of the key is the
 * test's trust anchor. Signing with a validity period in the past makes a zone whose signatures have expired.
 */
public final class SignedZones {

    /** A signed zone text and the trust anchor (a DS record in zone-file format) that validates it. */
    public record Signed(String zoneText, String anchor) {}

    private SignedZones() {}

    /** Signs with signatures valid from a day ago for a month. */
    public static Signed sign(String zoneText) {
        Instant now = Instant.now();
        return sign(zoneText, now.minusSeconds(86_400), now.plusSeconds(30L * 86_400));
    }

    public static Signed sign(String zoneText, Instant inception, Instant expiration) {
        try {
            String origin = zoneText.lines().filter(l -> l.startsWith("$ORIGIN")).findFirst().orElseThrow()
                    .substring("$ORIGIN".length()).strip();
            Name apex = Name.fromString(origin);
            Zone zone = new Zone(apex, new ByteArrayInputStream(zoneText.getBytes(StandardCharsets.UTF_8)));
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            KeyPair keys = g.generateKeyPair();
            // Flags 257: a zone key that is also a secure entry point (a key-signing key).
            DNSKEYRecord key = new DNSKEYRecord(apex, DClass.IN, 300, 257, 3, DNSSEC.Algorithm.ECDSAP256SHA256,
                    keys.getPublic());

            Map<Name, List<RRset>> byName = new TreeMap<>();
            for (Iterator<RRset> it = zone.iterator(); it.hasNext(); ) {
                RRset set = it.next();
                byName.computeIfAbsent(set.getName(), n -> new ArrayList<>()).add(set);
            }
            byName.get(apex).add(new RRset(key));
            List<Name> names = new ArrayList<>(byName.keySet());
            for (int i = 0; i < names.size(); i++) {
                Name name = names.get(i);
                TreeSet<Integer> types = new TreeSet<>(List.of(Type.RRSIG, Type.NSEC));
                byName.get(name).forEach(s -> types.add(s.getType()));
                Name next = names.get((i + 1) % names.size());
                byName.get(name).add(new RRset(new NSECRecord(name, DClass.IN, 60, next,
                        types.stream().mapToInt(Integer::intValue).toArray())));
            }
            StringBuilder out = new StringBuilder("$ORIGIN ").append(origin).append('\n');
            for (List<RRset> sets : byName.values()) {
                for (RRset set : sets) {
                    for (Record r : set.rrs(false)) {
                        out.append(r).append('\n');
                    }
                    out.append(DNSSEC.sign(set, key, keys.getPrivate(), inception, expiration)).append('\n');
                }
            }
            String anchor = new DSRecord(apex, DClass.IN, 300, DSRecord.SHA256_DIGEST_ID, key).toString();
            return new Signed(out.toString(), anchor + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException | DNSSEC.DNSSECException e) {
            throw new IllegalStateException("could not sign the test zone: " + e.getMessage(), e);
        }
    }
}
