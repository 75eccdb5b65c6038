package dev.mxdoctor.dnsbl;

import java.util.Locale;
import java.util.Optional;

/**
 * One DNS blocklist: where it is asked, what it lists, and what its answers mean (RFC 5782: an IP list is asked for
 * the reversed address under its zone, a domain list for the domain under its zone; a listing is an A record in
 * 127.0.0.0/8, the reason a TXT record at the same name).
 *
 * @param zone the zone asked, e.g. zen.spamhaus.org (with a Data Query Service key, the key's zone)
 * @param shown the list as people know it (never the DQS key)
 * @param kind what it lists
 * @param profile whose meanings its answers have
 */
public record Dnsbl(String zone, String shown, Kind kind, Profile profile) {

    /** What a list lists. */
    public enum Kind {
        IP, DOMAIN
    }

    /** Lists whose return codes mean something particular; the rest are read as RFC 5782 says. */
    public enum Profile {
        SPAMHAUS_ZEN("spamhaus-zen", Kind.IP, "https://check.spamhaus.org/"),
        SPAMHAUS_DBL("spamhaus-dbl", Kind.DOMAIN, "https://check.spamhaus.org/"),
        SPAMCOP("spamcop", Kind.IP, "https://www.spamcop.net/bl.shtml (listings expire by themselves within 24 "
                + "hours of the last report)"),
        BARRACUDA("barracuda", Kind.IP, "https://www.barracudacentral.org/rbl/removal-request"),
        PSBL("psbl", Kind.IP, "https://psbl.org/ (look the address up, then remove it there)"),
        MAILSPIKE("mailspike", Kind.IP, "https://mailspike.org/ (its IP lookup)"),
        IP("ip", Kind.IP, ""),
        DOMAIN("domain", Kind.DOMAIN, "");

        private final String label;
        private final Kind kind;
        private final String removal;

        Profile(String label, Kind kind, String removal) {
            this.label = label;
            this.kind = kind;
            this.removal = removal;
        }

        public String label() {
            return label;
        }

        public Kind kind() {
            return kind;
        }

        /** Where to ask for removal, when the list says. */
        public Optional<String> removal() {
            return removal.isEmpty() ? Optional.empty() : Optional.of(removal);
        }

        static Optional<Profile> named(String label) {
            for (Profile p : values()) {
                if (p.label.equals(label.toLowerCase(Locale.ROOT))) {
                    return Optional.of(p);
                }
            }
            return Optional.empty();
        }
    }

    /** What one answer (the last octet of 127.0.x.y) means on this list; empty when it is not a listing at all. */
    public Meaning meaning(byte[] answer) {
        int a = answer[0] & 0xff;
        int b = answer[1] & 0xff;
        int c = answer[2] & 0xff;
        int d = answer[3] & 0xff;
        if (a != 127) {
            return new Meaning(Meaning.Type.BROKEN, "an answer outside 127.0.0.0/8, which no blocklist gives "
                    + "(RFC 5782 2.1): the zone is not a working blocklist");
        }
        if (b == 255 && c == 255 && (profile == Profile.SPAMHAUS_ZEN || profile == Profile.SPAMHAUS_DBL)) {
            return switch (d) {
                case 252 -> new Meaning(Meaning.Type.REFUSED, "Spamhaus refused the query: the zone name is wrong "
                        + "(127.255.255.252)");
                case 254 -> new Meaning(Meaning.Type.REFUSED, "Spamhaus refused the query because it came through "
                        + "a public or open resolver (127.255.255.254)");
                case 255 -> new Meaning(Meaning.Type.REFUSED, "Spamhaus refused the query: the resolver is over "
                        + "the free use limit (127.255.255.255)");
                default -> new Meaning(Meaning.Type.REFUSED, "Spamhaus answered with an error code (127.255.255."
                        + d + "), not a listing");
            };
        }
        return switch (profile) {
            case SPAMHAUS_ZEN -> b == 0 && c == 0 ? zen(d)
                    : new Meaning(Meaning.Type.LISTED, "listed (127." + b + "." + c + "." + d + ")");
            case SPAMHAUS_DBL -> b == 0 && c == 1 ? dbl(d)
                    : new Meaning(Meaning.Type.LISTED, "listed (127." + b + "." + c + "." + d + ")");
            default -> new Meaning(Meaning.Type.LISTED, "listed (127." + b + "." + c + "." + d + ")");
        };
    }

    private static Meaning zen(int d) {
        String what = switch (d) {
            case 2 -> "SBL: a known spam source or spam operation (Spamhaus Block List)";
            case 3 -> "CSS: a source of low-reputation mail, often a compromised or misconfigured sender "
                    + "(Spamhaus CSS)";
            case 4, 5, 6, 7 -> "XBL: a compromised host or one infected with malware (Exploits Block List); clean "
                    + "the machine before asking for removal";
            case 9 -> "DROP: address space hijacked or run by criminals (Don't Route Or Peer)";
            case 10 -> "PBL, listed by the ISP: an address that should not send mail directly to MX hosts; send "
                    + "through the provider's or your own mail server";
            case 11 -> "PBL, listed by Spamhaus: an address that should not send mail directly to MX hosts; send "
                    + "through the provider's or your own mail server";
            default -> "listed (127.0.0." + d + ", a ZEN code this version does not know)";
        };
        return new Meaning(Meaning.Type.LISTED, what);
    }

    private static Meaning dbl(int d) {
        String what = switch (d) {
            case 2 -> "a spam domain";
            case 4 -> "a phishing domain";
            case 5 -> "a malware domain";
            case 6 -> "a botnet command-and-control domain";
            case 102 -> "an abused legitimate domain, used in spam";
            case 103 -> "an abused legitimate spammed redirector or URL shortener";
            case 104 -> "an abused legitimate domain, used for phishing";
            case 105 -> "an abused legitimate domain, used for malware";
            case 106 -> "an abused legitimate domain, used for botnet command and control";
            default -> "listed (127.0.1." + d + ", a DBL code this version does not know)";
        };
        return new Meaning(Meaning.Type.LISTED, "DBL: " + what);
    }

    /** What an answer means: a listing, a refusal to answer, or proof that the zone is not a working list. */
    public record Meaning(Type type, String text) {
        public enum Type {
            LISTED, REFUSED, BROKEN
        }
    }
}
