package dev.mxdoctor.dnsbl;

import dev.mxdoctor.SettingsReader;
import dev.mxdoctor.smtp.Cidr;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Which blocklists {@code blocklist} asks and for which addresses when none is named.
 *
 * @param lists MXDOCTOR_DNSBLS: zones, each optionally {@code profile:zone} (a profile names whose answer codes the
 *     zone gives, for a mirror or a lab); with MXDOCTOR_SPAMHAUS_DQS_KEY the Spamhaus zones become the key's
 * @param senders MXDOCTOR_SENDER_IPS: the organisation's outbound addresses, blocks expanded (at most
 *     {@value #MAX_SENDERS})
 * @param dqsKey whether a Data Query Service key is set (the key itself is only in the zones)
 */
public record DnsblSettings(List<Dnsbl> lists, List<InetAddress> senders, boolean dqsKey) {

    /** The most addresses MXDOCTOR_SENDER_IPS may stand for: a /24 and a few more. */
    public static final int MAX_SENDERS = 512;

    /** Lists in service today (SORBS closed in 2024 and is not among them). */
    public static final List<String> DEFAULTS = List.of("zen.spamhaus.org", "dbl.spamhaus.org", "bl.spamcop.net",
            "b.barracudacentral.org", "psbl.surriel.com", "bl.mailspike.net");

    public DnsblSettings {
        lists = List.copyOf(lists);
        senders = List.copyOf(senders);
    }

    public static DnsblSettings read(SettingsReader r) {
        Optional<String> key = r.text("MXDOCTOR_SPAMHAUS_DQS_KEY");
        if (key.isPresent() && !key.get().matches("[a-z0-9]{10,64}")) {
            r.problem("MXDOCTOR_SPAMHAUS_DQS_KEY: a Data Query Service key is 10 to 64 lower-case letters and "
                    + "digits (from the Spamhaus customer portal)");
            key = Optional.empty();
        }
        List<String> zones = r.parsed("MXDOCTOR_DNSBLS", DEFAULTS, v -> List.of(v.split("\\s*,\\s*")));
        List<Dnsbl> lists = new ArrayList<>();
        for (String z : zones) {
            if (z.isBlank()) {
                continue;
            }
            try {
                lists.add(list(z.strip(), key));
            } catch (IllegalArgumentException e) {
                r.problem("MXDOCTOR_DNSBLS: " + e.getMessage());
            }
        }
        List<InetAddress> senders = r.parsed("MXDOCTOR_SENDER_IPS", List.of(), DnsblSettings::senders);
        return new DnsblSettings(lists, senders, key.isPresent());
    }

    /** The list a receiver named in its refusal ("blocked using zen.spamhaus.org"), when the name is a DNS zone. */
    public static Optional<Dnsbl> named(String zone) {
        try {
            return Optional.of(list(zone, Optional.empty()));
        } catch (IllegalArgumentException e) {
            return Optional.empty(); // "Microsoft's block list (S3140)": a list, but not one to ask over DNS
        }
    }

    /** "zen.spamhaus.org", or "spamhaus-zen:zen.lab.test" for a zone with a known list's codes. */
    static Dnsbl list(String spec, Optional<String> dqsKey) {
        String profileName = "";
        String zone = spec.toLowerCase(Locale.ROOT);
        int colon = zone.indexOf(':');
        if (colon >= 0) {
            profileName = zone.substring(0, colon);
            zone = zone.substring(colon + 1);
        }
        zone = zone.endsWith(".") ? zone.substring(0, zone.length() - 1) : zone;
        if (!zone.matches("([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z0-9-]{2,63}")) {
            throw new IllegalArgumentException("'" + spec + "' is not a blocklist zone such as zen.spamhaus.org");
        }
        Dnsbl.Profile profile;
        if (!profileName.isEmpty()) {
            String name = profileName;
            profile = Dnsbl.Profile.named(name).orElseThrow(() -> new IllegalArgumentException("'" + name
                    + "' is not a blocklist profile; profiles are spamhaus-zen, spamhaus-dbl, spamcop, barracuda, "
                    + "psbl, mailspike, ip and domain"));
        } else {
            profile = known(zone);
        }
        String shown = zone;
        if (dqsKey.isPresent() && (zone.equals("zen.spamhaus.org") || zone.equals("dbl.spamhaus.org"))) {
            // The Data Query Service: the same data for a key's owner, through any resolver.
            String part = zone.substring(0, zone.indexOf('.'));
            zone = dqsKey.get() + "." + part + ".dq.spamhaus.net";
            shown = part + ".dq.spamhaus.net (DQS)";
        }
        return new Dnsbl(zone, shown, profile.kind(), profile);
    }

    private static Dnsbl.Profile known(String zone) {
        return switch (zone) {
            case "zen.spamhaus.org" -> Dnsbl.Profile.SPAMHAUS_ZEN;
            case "dbl.spamhaus.org" -> Dnsbl.Profile.SPAMHAUS_DBL;
            case "bl.spamcop.net" -> Dnsbl.Profile.SPAMCOP;
            case "b.barracudacentral.org" -> Dnsbl.Profile.BARRACUDA;
            case "psbl.surriel.com" -> Dnsbl.Profile.PSBL;
            case "bl.mailspike.net" -> Dnsbl.Profile.MAILSPIKE;
            default -> Dnsbl.Profile.IP;
        };
    }

    /** MXDOCTOR_SENDER_IPS: addresses and blocks, expanded. */
    static List<InetAddress> senders(String value) {
        List<InetAddress> out = new ArrayList<>();
        for (String part : value.split("\\s*,\\s*")) {
            if (part.isBlank()) {
                continue;
            }
            Cidr block = Cidr.parse(part);
            int bits = block.network().getAddress().length * 8;
            if (bits - block.prefix() > 16 || out.size() + (1 << (bits - block.prefix())) > MAX_SENDERS) {
                throw new IllegalArgumentException("'" + part + "' and the rest stand for more than " + MAX_SENDERS
                        + " addresses; name the outbound addresses themselves");
            }
            BigInteger base = new BigInteger(1, block.network().getAddress()).shiftRight(bits - block.prefix())
                    .shiftLeft(bits - block.prefix());
            for (long i = 0; i < (1L << (bits - block.prefix())); i++) {
                out.add(address(base.add(BigInteger.valueOf(i)), bits / 8));
            }
        }
        return out;
    }

    private static InetAddress address(BigInteger value, int bytes) {
        byte[] raw = value.toByteArray();
        byte[] b = new byte[bytes];
        int copy = Math.min(raw.length, bytes);
        System.arraycopy(raw, raw.length - copy, b, bytes - copy, copy);
        try {
            return InetAddress.getByAddress(b);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e); // four or sixteen bytes always make an address
        }
    }

    public SortedMap<String, String> effective() {
        SortedMap<String, String> m = new TreeMap<>();
        m.put("MXDOCTOR_DNSBLS", String.join(",", lists.stream().map(Dnsbl::shown).toList()));
        m.put("MXDOCTOR_SPAMHAUS_DQS_KEY", dqsKey ? "(set)" : "(unset)");
        m.put("MXDOCTOR_SENDER_IPS", senders.isEmpty() ? "(unset)" : senders.size() + " addresses");
        return m;
    }
}
