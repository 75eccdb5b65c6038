package dev.mxdoctor.auth;

import dev.mxdoctor.command.Names;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An SPF record (RFC 7208) parsed into its terms, with every syntax error located ("term 3, 'ip4:192.0.2.300': not
 * an IPv4 address"). Pure.
 */
public record SpfRecord(List<Term> terms, List<String> errors) {

    public SpfRecord {
        terms = List.copyOf(terms);
        errors = List.copyOf(errors);
    }

    /** A directive ({@code -ip4:192.0.2.0/24}) or a modifier ({@code redirect=_spf.example.com}). */
    public sealed interface Term {
        String text();
    }

    /**
     * @param qualifier '+', '-', '~' or '?'
     * @param name all, include, a, mx, ptr, ip4, ip6, exists
     * @param argument what follows the colon, without the CIDR lengths
     */
    public record Mechanism(char qualifier, String name, Optional<String> argument, String text) implements Term {
        /** Whether evaluating it asks DNS (and so counts against the limit of 10, RFC 7208 4.6.4). */
        public boolean queriesDns() {
            return List.of("include", "a", "mx", "ptr", "exists").contains(name);
        }
    }

    public record Modifier(String name, String value, String text) implements Term {}

    private static final Pattern VERSION = Pattern.compile("(?i)^v=spf1(\\s|$)");
    private static final Pattern MECHANISM = Pattern.compile("(?i)^([+\\-~?]?)(all|include|a|mx|ptr|ip4|ip6|exists)"
            + "(?::([^/]*))?((?:/\\d+)?(?://\\d+)?)$");
    private static final Pattern MODIFIER = Pattern.compile("^([A-Za-z][A-Za-z0-9._-]*)=(.*)$");
    private static final Pattern CIDR = Pattern.compile("^(?:/(\\d+))?(?://(\\d+))?$");

    /** Whether a TXT record is an SPF record at all ("v=spf1" then a space or the end). */
    public static boolean isSpf(String txt) {
        return VERSION.matcher(txt.strip()).find();
    }

    public static SpfRecord parse(String record) {
        List<Term> terms = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        String[] words = record.strip().split("\\s+");
        boolean redirect = false;
        boolean exp = false;
        for (int i = 1; i < words.length; i++) {
            String w = words[i];
            String where = "term " + i + ", '" + w + "'";
            Matcher m = MECHANISM.matcher(w);
            if (m.matches()) {
                char q = m.group(1).isEmpty() ? '+' : m.group(1).charAt(0);
                String name = m.group(2).toLowerCase(Locale.ROOT);
                Optional<String> arg = Optional.ofNullable(m.group(3));
                String cidr = m.group(4);
                mechanismErrors(name, arg, cidr, where).forEach(errors::add);
                terms.add(new Mechanism(q, name, arg, w));
                continue;
            }
            Matcher mod = MODIFIER.matcher(w);
            if (mod.matches()) {
                String name = mod.group(1).toLowerCase(Locale.ROOT);
                if (name.equals("redirect") || name.equals("exp")) {
                    if (name.equals("redirect") ? redirect : exp) {
                        errors.add(where + ": '" + name + "' may appear only once (RFC 7208 6)");
                    }
                    if (mod.group(2).isEmpty()) {
                        errors.add(where + ": '" + name + "=' needs a domain");
                    }
                    redirect |= name.equals("redirect");
                    exp |= name.equals("exp");
                }
                terms.add(new Modifier(name, mod.group(2), w));
                continue;
            }
            errors.add(where + ": not a mechanism (all, include, a, mx, ptr, ip4, ip6, exists) nor a modifier "
                    + "(name=value)");
        }
        return new SpfRecord(terms, errors);
    }

    private static List<String> mechanismErrors(String name, Optional<String> arg, String cidr, String where) {
        List<String> out = new ArrayList<>();
        Matcher c = CIDR.matcher(cidr);
        if (!c.matches()) {
            out.add(where + ": bad CIDR length");
            return out;
        }
        switch (name) {
            case "all" -> {
                if (arg.isPresent() || !cidr.isEmpty()) {
                    out.add(where + ": 'all' takes no argument");
                }
            }
            case "include", "exists" -> {
                if (arg.isEmpty() || arg.get().isEmpty()) {
                    out.add(where + ": '" + name + "' needs a domain, as in " + name + ":_spf.example.com");
                }
            }
            case "ip4" -> {
                if (arg.isEmpty() || !arg.get().matches("\\d{1,3}(\\.\\d{1,3}){3}") || Names.ipLiteral(arg.get())
                        .isEmpty()) {
                    out.add(where + ": not an IPv4 address");
                } else if (c.group(1) != null && Integer.parseInt(c.group(1)) > 32) {
                    out.add(where + ": an IPv4 prefix is at most /32");
                }
            }
            case "ip6" -> {
                if (arg.isEmpty() || !arg.get().contains(":") || Names.ipLiteral(arg.get()).isEmpty()) {
                    out.add(where + ": not an IPv6 address");
                } else if (c.group(1) != null && Integer.parseInt(c.group(1)) > 128) {
                    out.add(where + ": an IPv6 prefix is at most /128");
                }
            }
            default -> {
                if (c.group(1) != null && Integer.parseInt(c.group(1)) > 32) {
                    out.add(where + ": an IPv4 prefix is at most /32");
                }
                if (c.group(2) != null && Integer.parseInt(c.group(2)) > 128) {
                    out.add(where + ": an IPv6 prefix is at most /128");
                }
            }
        }
        return out;
    }

    /** The redirect modifier's target, if any. */
    public Optional<String> redirect() {
        return terms.stream().filter(t -> t instanceof Modifier m && m.name().equals("redirect"))
                .map(t -> ((Modifier) t).value()).findFirst();
    }

    /** The 'all' mechanism, if any. */
    public Optional<Mechanism> all() {
        return terms.stream().filter(t -> t instanceof Mechanism m && m.name().equals("all")).map(t -> (Mechanism) t)
                .findFirst();
    }
}
