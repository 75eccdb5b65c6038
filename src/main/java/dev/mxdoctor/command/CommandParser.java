package dev.mxdoctor.command;

import dev.mxdoctor.command.Names.InvalidNameException;
import dev.mxdoctor.dns.Addresses;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one grammar of mxdoctor: turns the words of a command (from Slack's command text or the CLI's arguments)
 * into an {@link Invocation}, or refuses them with a {@link UsageException} that says what is wrong. Pure.
 */
public final class CommandParser {

    /** Longest accepted {@code --timeout}, in seconds. */
    static final int MAX_TIMEOUT_SECONDS = 600;

    private static final Pattern SLACK_LINK = Pattern.compile("<([^<>|]*)(?:\\|([^<>]*))?>");
    private static final Pattern HOST_PORT = Pattern.compile("([^:\\[\\]]+)(?::(\\d{1,5}))?");
    private static final Pattern BRACKETED_PORT = Pattern.compile("\\[([^\\]]+)\\](?::(\\d{1,5}))?");

    /** Parses the text of a Slack command or mention, e.g. "mx example.com @192.0.2.53". */
    public Invocation parse(String text) throws UsageException {
        rejectOverlong(text.length());
        rejectControlCharacters(text);
        String unwrapped = unwrapSlackLinks(text).strip();
        List<String> words = unwrapped.isEmpty() ? List.of() : Arrays.asList(unwrapped.split("[ \\t\\u00a0]+"));
        return parse(words);
    }

    /** Parses command-line arguments: the command name first. */
    public Invocation parse(List<String> words) throws UsageException {
        rejectOverlong(words.stream().mapToInt(w -> w.length() + 1).sum());
        for (String w : words) {
            rejectControlCharacters(w);
        }
        if (words.isEmpty() || words.get(0).isBlank()) {
            throw new UsageException("no command given", Usage.all());
        }
        String command = words.get(0).toLowerCase(Locale.ROOT);
        if (!Usage.commands().contains(command)) {
            if (command.equals("--help") || command.equals("-h")) {
                return new Invocation(new Request.Help(Optional.empty()), false, Optional.empty(), false);
            }
            throw new UsageException("unknown command '" + words.get(0) + "'; commands are "
                    + String.join(", ", Usage.commands()), Usage.all());
        }
        if (command.equals("watch")) {
            return watch(words.subList(1, words.size()));
        }
        Arguments args = Arguments.split(command, words.subList(1, words.size()));
        if (args.help) {
            return new Invocation(new Request.Help(Optional.of(command)), args.json, args.timeout, args.fresh);
        }
        Request request = switch (command) {
            case "mx" -> mx(args);
            case "dns" -> dns(args);
            case "smtptest" -> smtptest(args);
            case "history" -> history(args);
            case "blocklist" -> blocklist(args);
            case "relaytest" -> relaytest(args);
            case "auth" -> auth(args);
            default -> help(args);
        };
        if (args.send && !(request instanceof Request.SmtpTest)) {
            throw args.error("--send only applies to smtptest");
        }
        if ((args.limit.isPresent() || args.code.isPresent()) && !(request instanceof Request.History)) {
            throw args.error("--limit and --code only apply to history");
        }
        return new Invocation(request, args.json, args.timeout, args.fresh);
    }

    /** The commands a watch may repeat. */
    private static final List<String> WATCHABLE = List.of("mx", "smtptest", "dns", "blocklist", "auth", "relaytest");

    /** The watch's id: what {@code watch start} hands out (see the watch package). */
    private static final Pattern WATCH_ID = Pattern.compile("w[0-9a-f]{6,12}");

    /**
     * {@code watch <check> [every D] [for D] [until ok]}, {@code watch list [mine]}, {@code watch stop <id>}. The
     * watch's own words may stand anywhere after the check's command name; the rest is the check, parsed as if typed
     * alone.
     */
    private Invocation watch(List<String> words) throws UsageException {
        UsageException usage = new UsageException("watch needs a check to repeat (mx, smtptest, dns, blocklist, auth or relaytest), or list, or "
                + "stop <id>", Usage.of("watch"));
        List<String> w = words.stream().filter(x -> !x.isEmpty()).toList();
        if (w.isEmpty()) {
            throw usage;
        }
        String first = w.get(0).toLowerCase(Locale.ROOT);
        if (first.equals("--help") || first.equals("-h") || first.equals("help")) {
            return new Invocation(new Request.Help(Optional.of("watch")), false, Optional.empty(), false);
        }
        boolean json = w.stream().anyMatch(x -> x.equalsIgnoreCase("--json"));
        List<String> rest = w.stream().filter(x -> !x.equalsIgnoreCase("--json")).toList();
        if (first.equals("list")) {
            if (rest.size() > 2 || (rest.size() == 2 && !rest.get(1).equalsIgnoreCase("mine"))) {
                throw new UsageException("watch list takes at most 'mine', not '"
                        + String.join(" ", rest.subList(1, rest.size())) + "'", Usage.of("watch"));
            }
            return new Invocation(new Request.WatchList(rest.size() == 2), json, Optional.empty(), false);
        }
        if (first.equals("stop")) {
            if (rest.size() != 2) {
                throw new UsageException("watch stop needs the watch's id (as 'watch list' shows it, e.g. w3fa9c2)",
                        Usage.of("watch"));
            }
            String id = rest.get(1).toLowerCase(Locale.ROOT);
            if (!WATCH_ID.matcher(id).matches()) {
                throw new UsageException("'" + rest.get(1) + "' is not a watch id; ids look like w3fa9c2 ('watch "
                        + "list' shows them)", Usage.of("watch"));
            }
            return new Invocation(new Request.WatchStop(id), json, Optional.empty(), false);
        }
        if (!WATCHABLE.contains(first)) {
            throw new UsageException(Usage.commands().contains(first)
                    ? "watch repeats a check (mx, smtptest, dns, blocklist, auth or relaytest), not '" + w.get(0) + "'"
                    : "unknown check '" + w.get(0) + "'; watch repeats mx, smtptest, dns, blocklist, auth or relaytest", Usage.of("watch"));
        }
        Optional<Duration> every = Optional.empty();
        Optional<Duration> duration = Optional.empty();
        boolean untilOk = false;
        List<String> check = new ArrayList<>();
        for (int i = 0; i < w.size(); i++) {
            String word = w.get(i).toLowerCase(Locale.ROOT);
            boolean option = i > 0 && (word.equals("every") || word.equals("for") || word.equals("until"));
            if (!option) {
                check.add(w.get(i));
                continue;
            }
            if (i + 1 >= w.size()) {
                throw new UsageException("'" + w.get(i) + "' needs " + (word.equals("until") ? "'ok'"
                        : "a duration such as 5m or 4h"), Usage.of("watch"));
            }
            String value = w.get(++i);
            if (word.equals("until")) {
                if (!value.equalsIgnoreCase("ok")) {
                    throw new UsageException("a watch can run 'until ok', not until '" + value + "'",
                            Usage.of("watch"));
                }
                untilOk = true;
                continue;
            }
            if ((word.equals("every") ? every : duration).isPresent()) {
                throw new UsageException("only one '" + word + "' may be given", Usage.of("watch"));
            }
            try {
                Optional<Duration> d = Optional.of(Durations.parse(value));
                if (word.equals("every")) {
                    every = d;
                } else {
                    duration = d;
                }
            } catch (IllegalArgumentException e) {
                throw new UsageException("'" + w.get(i - 1) + " " + value + "': " + e.getMessage(), Usage.of("watch"));
            }
        }
        Invocation inner;
        try {
            inner = parse(check);
        } catch (UsageException e) {
            throw new UsageException(e.getMessage(), Usage.of("watch") + "\n\n" + e.usage());
        }
        if (inner.request() instanceof Request.Help) {
            return new Invocation(new Request.Help(Optional.of("watch")), false, Optional.empty(), false);
        }
        if (inner.request() instanceof Request.SmtpTest t && t.send()) {
            throw new UsageException("a watch does not repeat --send: it would send a message at every check; "
                    + "watch the dialogue up to RCPT TO instead", Usage.of("watch"));
        }
        if (duration.isPresent() && every.isPresent() && duration.get().compareTo(every.get()) < 0) {
            throw new UsageException("'for " + Durations.format(duration.get()) + "' is shorter than 'every "
                    + Durations.format(every.get()) + "': the watch would end before its second check",
                    Usage.of("watch"));
        }
        String line = String.join(" ", check);
        return new Invocation(new Request.Watch(inner, line, every, duration, untilOk), inner.json(),
                inner.timeout(), inner.fresh());
    }

    private static Request auth(Arguments args) throws UsageException {
        Optional<String> ip = Optional.empty();
        List<String> words = new ArrayList<>(args.positionals);
        int at = words.stream().map(w -> w.toLowerCase(Locale.ROOT)).toList().indexOf("ip");
        if (at > 0) {
            if (at + 1 >= words.size()) {
                throw args.error("'ip' needs the sending address whose SPF result you want, e.g. ip 192.0.2.25");
            }
            String raw = words.get(at + 1);
            ip = Optional.of(Addresses.text(Names.ipLiteral(raw).orElseThrow(() -> args.error("'" + raw + "' is not an IP "
                    + "address; 'ip' takes the address mail is sent from"))));
            words.remove(at + 1);
            words.remove(at);
            args.positionals.clear();
            args.positionals.addAll(words);
        }
        args.expectPositionals(1, 11, "a domain, and optionally up to ten DKIM selectors");
        DomainName domain;
        try {
            domain = Names.domain(Names.hostOf(args.positionals.get(0)), false);
        } catch (InvalidNameException e) {
            throw args.error(e.getMessage());
        }
        List<String> selectors = new ArrayList<>();
        for (String s : args.positionals.subList(1, args.positionals.size())) {
            String sel = s.toLowerCase(Locale.ROOT);
            if (!sel.matches("[a-z0-9]([a-z0-9_-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9_-]{0,61}[a-z0-9])?)*")) {
                throw args.error("'" + s + "' is not a DKIM selector (the s= tag of a DKIM-Signature, such as "
                        + "selector1 or google)");
            }
            selectors.add(sel);
        }
        return new Request.Auth(domain, selectors, ip, args.resolver);
    }

    private static Request relaytest(Arguments args) throws UsageException {
        args.expectPositionals(1, 1, "a mail host or a domain");
        String raw = args.positionals.get(0);
        try {
            String host = Names.hostOf(raw);
            if (Names.ipLiteral(host).isPresent()) {
                throw args.error("'" + raw + "' is an IP address; relaytest takes a host name or a domain (it tests "
                        + "only hosts that DNS names as mail hosts, or the named host)");
            }
            return new Request.RelayTest(Names.domain(host, false), args.resolver);
        } catch (InvalidNameException e) {
            throw args.error(e.getMessage());
        }
    }

    private static Request blocklist(Arguments args) throws UsageException {
        args.expectPositionals(0, 1, "an IP address or a domain, or nothing for MXDOCTOR_SENDER_IPS");
        if (args.positionals.isEmpty()) {
            return new Request.Blocklist(Optional.empty(), Optional.empty(), args.resolver);
        }
        String raw = args.positionals.get(0);
        Optional<InetAddress> ip = Names.ipLiteral(raw);
        if (ip.isPresent()) {
            return new Request.Blocklist(Optional.of(Addresses.text(ip.get())), Optional.empty(), args.resolver);
        }
        try {
            String host = Names.hostOf(raw);
            Optional<InetAddress> hostIp = Names.ipLiteral(host);
            if (hostIp.isPresent()) {
                return new Request.Blocklist(Optional.of(Addresses.text(hostIp.get())), Optional.empty(),
                        args.resolver);
            }
            return new Request.Blocklist(Optional.empty(), Optional.of(Names.domain(host, false)), args.resolver);
        } catch (InvalidNameException e) {
            throw args.error(e.getMessage() + "; blocklist takes an IP address or a domain");
        }
    }

    private static Request history(Arguments args) throws UsageException {
        args.expectPositionals(0, 1, "at most a domain");
        Optional<DomainName> domain = Optional.empty();
        if (!args.positionals.isEmpty()) {
            try {
                domain = Optional.of(Names.domain(Names.hostOf(args.positionals.get(0)), false));
            } catch (InvalidNameException e) {
                throw args.error(e.getMessage());
            }
        }
        Optional<String> code = args.code.map(c -> c.toUpperCase(Locale.ROOT));
        if (code.isPresent() && Arrays.stream(dev.mxdoctor.diagnosis.FindingCode.values())
                .noneMatch(f -> f.name().equals(code.get()))) {
            throw args.error("no finding code '" + code.get() + "'; see docs/findings.md for the list");
        }
        return new Request.History(domain, code, args.limit.orElse(20));
    }

    private static Request smtptest(Arguments args) throws UsageException {
        List<String> p = args.positionals;
        Optional<MailAddress> from = Optional.empty();
        Optional<HostPort> via = Optional.empty();
        String recipient = null;
        for (int i = 0; i < p.size(); i++) {
            String word = p.get(i).toLowerCase(Locale.ROOT);
            if ((word.equals("from") || word.equals("via")) && i + 1 >= p.size()) {
                throw args.error("'" + p.get(i) + "' needs " + (word.equals("from") ? "an address" : "a host"));
            }
            if (word.equals("from")) {
                if (from.isPresent()) {
                    throw args.error("only one 'from' may be given");
                }
                from = Optional.of(address(args, p.get(++i), "sender"));
            } else if (word.equals("via")) {
                if (via.isPresent()) {
                    throw args.error("only one 'via' may be given");
                }
                String spec = p.get(++i);
                try {
                    via = Optional.of(hostPort(spec, HostPort.SMTP_PORT));
                } catch (IllegalArgumentException e) {
                    throw args.error("'via " + spec + "' is not a server: " + e.getMessage() + "; expected a host "
                            + "name or IP address, optionally with :port");
                }
            } else if (recipient == null) {
                recipient = p.get(i);
            } else {
                throw args.error("too many arguments: '" + p.get(i) + "'");
            }
        }
        if (recipient == null) {
            throw args.error("smtptest needs the recipient's address");
        }
        return new Request.SmtpTest(address(args, recipient, "recipient"), from, via, args.resolver, args.send);
    }

    private static MailAddress address(Arguments args, String raw, String role) throws UsageException {
        if (!raw.contains("@")) {
            throw args.error("the " + role + " '" + raw + "' is not an e-mail address; expected user@domain");
        }
        try {
            return MailAddress.parse(raw);
        } catch (InvalidNameException e) {
            throw args.error(e.getMessage());
        }
    }

    private static Request mx(Arguments args) throws UsageException {
        args.expectPositionals(1, 1, "a domain");
        String raw = args.positionals.get(0);
        Optional<InetAddress> ip = Names.ipLiteral(raw);
        if (ip.isPresent()) {
            throw args.error("'" + raw + "' is an IP address; mx takes a domain. For the address's PTR record use: "
                    + "dns " + Addresses.text(ip.get()));
        }
        try {
            String host = Names.hostOf(raw);
            if (Names.ipLiteral(host).isPresent()) {
                throw args.error("'" + raw + "' names an IP address, not a domain; for its PTR record use: dns "
                        + host);
            }
            return new Request.Mx(Names.domain(host, false), args.resolver);
        } catch (InvalidNameException e) {
            throw args.error(e.getMessage());
        }
    }

    private static Request dns(Arguments args) throws UsageException {
        args.expectPositionals(1, 2, "a name and optionally a record type");
        List<String> p = new ArrayList<>(args.positionals);
        if (p.size() == 2 && QueryType.parse(p.get(0)).isPresent() && QueryType.parse(p.get(1)).isEmpty()) {
            p = List.of(p.get(1), p.get(0)); // "dns MX example.com", as dig allows
        }
        Optional<QueryType> type = Optional.empty();
        if (p.size() == 2) {
            type = QueryType.parse(p.get(1));
            if (type.isEmpty()) {
                throw args.error("unknown record type '" + p.get(1) + "'; expected one of " + QueryType.known());
            }
        }
        String raw = p.get(0);
        Optional<InetAddress> ip = Names.ipLiteral(raw);
        if (ip.isPresent()) {
            if (type.isPresent() && type.get() != QueryType.PTR) {
                throw args.error("'" + raw + "' is an IP address, which has only PTR records; drop the type '"
                        + type.get() + "'");
            }
            String address = Addresses.text(ip.get());
            return new Request.Dns(Names.reverseName(ip.get()), QueryType.PTR, Optional.of(address), args.resolver);
        }
        try {
            DomainName name = Names.domain(Names.hostOf(raw), true);
            return new Request.Dns(name, type.orElse(QueryType.A), Optional.empty(), args.resolver);
        } catch (InvalidNameException e) {
            throw args.error(e.getMessage());
        }
    }

    private static Request help(Arguments args) throws UsageException {
        args.expectPositionals(0, 1, "a command name");
        if (args.resolver.isPresent()) {
            throw args.error("help takes no resolver");
        }
        if (args.positionals.isEmpty()) {
            return new Request.Help(Optional.empty());
        }
        String topic = args.positionals.get(0).toLowerCase(Locale.ROOT);
        if (!Usage.commands().contains(topic)) {
            throw args.error("no command '" + args.positionals.get(0) + "'; commands are "
                    + String.join(", ", Usage.commands()));
        }
        return new Request.Help(Optional.of(topic));
    }

    /** The words after the command name, sorted into flags, the resolver and positional arguments. */
    private static final class Arguments {
        final String command;
        final List<String> positionals = new ArrayList<>();
        Optional<HostPort> resolver = Optional.empty();
        Optional<Duration> timeout = Optional.empty();
        boolean json;
        boolean fresh;
        boolean help;
        boolean send;
        Optional<Integer> limit = Optional.empty();
        Optional<String> code = Optional.empty();

        private Arguments(String command) {
            this.command = command;
        }

        static Arguments split(String command, List<String> words) throws UsageException {
            Arguments a = new Arguments(command);
            for (int i = 0; i < words.size(); i++) {
                String w = words.get(i);
                if (w.isEmpty()) {
                    continue;
                }
                String lower = w.toLowerCase(Locale.ROOT);
                if (lower.equals("--json")) {
                    a.json = true;
                } else if (lower.equals("--fresh")) {
                    a.fresh = true;
                } else if (lower.equals("--send")) {
                    a.send = true;
                } else if (lower.equals("--limit") || lower.equals("--code")) {
                    if (i + 1 >= words.size()) {
                        throw a.error(lower + " needs a value");
                    }
                    String value = words.get(++i);
                    if (lower.equals("--code")) {
                        a.code = Optional.of(value);
                    } else {
                        a.limit = Optional.of(a.limit(value));
                    }
                } else if (lower.equals("--help") || lower.equals("-h")) {
                    a.help = true;
                } else if (lower.equals("--timeout")) {
                    if (i + 1 >= words.size()) {
                        throw a.error("--timeout needs a number of seconds");
                    }
                    a.timeout = Optional.of(a.timeout(words.get(++i)));
                } else if (lower.startsWith("--timeout=")) {
                    a.timeout = Optional.of(a.timeout(w.substring("--timeout=".length())));
                } else if (w.startsWith("-") && w.length() > 1 && !Character.isDigit(w.charAt(1))) {
                    throw a.error("unknown option '" + w + "'");
                } else if (w.startsWith("@")) {
                    if (a.resolver.isPresent()) {
                        throw a.error("only one @resolver may be given");
                    }
                    a.resolver = Optional.of(a.resolver(w.substring(1)));
                } else {
                    a.positionals.add(w);
                }
            }
            return a;
        }

        int limit(String value) throws UsageException {
            try {
                int n = Integer.parseInt(value);
                if (n < 1 || n > 1000) {
                    throw error("--limit must be between 1 and 1000, not " + value);
                }
                return n;
            } catch (NumberFormatException e) {
                throw error("--limit takes a number of runs, not '" + value + "'");
            }
        }

        Duration timeout(String value) throws UsageException {
            try {
                double seconds = Double.parseDouble(value);
                if (!(seconds > 0 && seconds <= MAX_TIMEOUT_SECONDS)) {
                    throw error("--timeout must be between 0 and " + MAX_TIMEOUT_SECONDS + " seconds, not " + value);
                }
                return Duration.ofMillis(Math.round(seconds * 1000));
            } catch (NumberFormatException e) {
                throw error("--timeout takes a number of seconds, not '" + value + "'");
            }
        }

        HostPort resolver(String spec) throws UsageException {
            try {
                return hostPort(spec, HostPort.DNS_PORT);
            } catch (IllegalArgumentException e) {
                throw error("'@" + spec + "' is not a resolver address: " + e.getMessage() + "; expected "
                        + "@<ip>[:port] or @<host>[:port], e.g. @192.0.2.53 or @[2001:db8::53]:5353");
            }
        }

        void expectPositionals(int min, int max, String what) throws UsageException {
            if (positionals.size() < min) {
                throw error(command + " needs " + what);
            }
            if (positionals.size() > max) {
                throw error("too many arguments: '" + String.join(" ", positionals.subList(max, positionals.size()))
                        + "'");
            }
        }

        UsageException error(String message) {
            return new UsageException(message, Usage.of(command));
        }
    }

    /**
     * Parses {@code host[:port]}: an IPv4 address, a bracketed or bare IPv6 address, or a host name, with
     * {@code defaultPort} when no port is given. The message of the exception says what is wrong.
     */
    public static HostPort hostPort(String spec, int defaultPort) {
        if (spec.isEmpty()) {
            throw new IllegalArgumentException("it is empty");
        }
        // A bare IPv6 address has several colons and no port.
        if (spec.indexOf(':') != spec.lastIndexOf(':') && !spec.startsWith("[")) {
            return new HostPort(Addresses.text(Names.ipLiteral(spec)
                    .orElseThrow(() -> new IllegalArgumentException(spec + " is not an IP address"))),
                    defaultPort);
        }
        Matcher m = spec.startsWith("[") ? BRACKETED_PORT.matcher(spec) : HOST_PORT.matcher(spec);
        if (!m.matches()) {
            throw new IllegalArgumentException("it is not of the form host[:port]");
        }
        int port = m.group(2) == null ? defaultPort : Integer.parseInt(m.group(2));
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is out of range 1-65535");
        }
        Optional<InetAddress> ip = Names.ipLiteral(m.group(1));
        if (ip.isPresent()) {
            return new HostPort(Addresses.text(ip.get()), port);
        }
        if (spec.startsWith("[") || m.group(1).chars().allMatch(c -> Character.isDigit(c) || c == '.')) {
            throw new IllegalArgumentException(m.group(1) + " is not a valid IP address");
        }
        try {
            return new HostPort(Names.domain(m.group(1), false).ascii(), port);
        } catch (InvalidNameException e) {
            throw new IllegalArgumentException(e.getMessage());
        }
    }

    /** The longest command accepted: far more than any real one (a name is at most 253 octets, an address 254). */
    static final int MAX_COMMAND_CHARS = 2000;

    private static void rejectOverlong(int length) throws UsageException {
        if (length > MAX_COMMAND_CHARS) {
            throw new UsageException("the command is " + length + " characters long; mxdoctor takes at most "
                    + MAX_COMMAND_CHARS, Usage.all());
        }
    }

    private static void rejectControlCharacters(String text) throws UsageException {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if ((c < 0x20 && c != '\t') || c == 0x7f) {
                String name = switch (c) {
                    case '\r' -> "a carriage return (CR)";
                    case '\n' -> "a line feed (LF)";
                    case 0 -> "a NUL character";
                    default -> String.format("the control character U+%04X", (int) c);
                };
                throw new UsageException("the command contains " + name + "; give it on one line", Usage.all());
            }
        }
    }

    /** Replaces Slack's {@code <mailto:a@b|a@b>} and {@code <http://x|x>} by what the user typed. */
    static String unwrapSlackLinks(String text) {
        Matcher m = SLACK_LINK.matcher(text);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String target = m.group(1);
            String label = m.group(2);
            String replacement = label != null && !label.isEmpty() ? label : target;
            if (replacement.regionMatches(true, 0, "mailto:", 0, 7)) {
                replacement = replacement.substring(7);
            }
            m.appendReplacement(sb, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(sb);
        return sb.toString();
    }
}
