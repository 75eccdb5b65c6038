package dev.mxdoctor;

import dev.mxdoctor.command.CommandParser;
import dev.mxdoctor.command.HostPort;
import dev.mxdoctor.command.MailAddress;
import dev.mxdoctor.command.Names;
import dev.mxdoctor.smtp.Cidr;
import dev.mxdoctor.smtp.Timeouts;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * mxdoctor's settings, read once from the environment (ARCHITECTURE.md, "Settings"). Parsing is pure; a bad value
 * is an {@link IllegalArgumentException} naming the variable and what it expects.
 *
 * @param resolvers MXDOCTOR_DNS, or empty for the system's resolvers
 * @param nameServerPort MXDOCTOR_NS_PORT: where authoritative name servers are asked (53; the lab uses its own)
 * @param timeout MXDOCTOR_TIMEOUT: a run's overall deadline unless --timeout says otherwise
 * @param maxTimeout MXDOCTOR_MAX_TIMEOUT: the longest deadline a --timeout may ask for
 * @param dnsAttemptTimeout MXDOCTOR_DNS_TIMEOUT: how long one DNS attempt waits
 * @param dnsAttempts MXDOCTOR_DNS_ATTEMPTS: tries per resolver before the next one
 * @param cacheSize MXDOCTOR_DNS_CACHE_SIZE: DNS cache entries at most
 * @param smtpPort MXDOCTOR_SMTP_PORT: the port of MX hosts
 * @param allowTargets MXDOCTOR_ALLOW_TARGETS: non-public blocks that may be probed anyway
 * @param allowPorts MXDOCTOR_ALLOW_PORTS: ports that may be dialled besides the mail ports
 * @param connectionsPerAddress MXDOCTOR_CONNECTIONS_PER_ADDRESS: SMTP connections open to one address at once
 * @param connectionInterval MXDOCTOR_CONNECTION_INTERVAL_MS: least time between new connections to one address
 * @param helo MXDOCTOR_HELO: the name announced in EHLO/HELO; empty for the host's own ({@link #heloName()})
 * @param mailFrom MXDOCTOR_MAIL_FROM: the default envelope sender; empty for postmaster@ the HELO name
 * @param tlsCaFile MXDOCTOR_TLS_CA_FILE: extra trusted CA certificates (PEM)
 * @param allowSend MXDOCTOR_ALLOW_SEND: whether smtptest --send may send DATA
 * @param sendDomains MXDOCTOR_SEND_DOMAINS: the only recipient domains --send may send to; empty for any
 * @param control MXDOCTOR_CONTROL_HOST: a mail server known to answer on port 25, to detect a blocked port 25
 * @param timeouts MXDOCTOR_SMTP_CONNECT_TIMEOUT, _GREETING_TIMEOUT, _COMMAND_TIMEOUT (seconds)
 * @param ping MXDOCTOR_PING: whether to ping addresses that do not answer on port 25
 * @param db MXDOCTOR_DB: JDBC URL of the history, or empty when it is turned off ({@code none})
 * @param historyDays MXDOCTOR_HISTORY_DAYS: runs older than this are purged
 * @param dnsbls MXDOCTOR_DNSBLS, MXDOCTOR_SPAMHAUS_DQS_KEY, MXDOCTOR_SENDER_IPS: what {@code blocklist} asks
 * @param relaytest MXDOCTOR_ALLOW_RELAYTEST, MXDOCTOR_RELAYTEST_FROM, MXDOCTOR_RELAYTEST_TO
 * @param mtaStsPort MXDOCTOR_MTA_STS_PORT: where MTA-STS policies are fetched over HTTPS (443; a lab may move it)
 * @param dnssecAnchorsFile MXDOCTOR_DNSSEC_ANCHORS: DS or DNSKEY records DANE validates from, instead of the root's
 */
public record Config(
        List<InetSocketAddress> resolvers,
        int nameServerPort,
        Duration timeout,
        Duration maxTimeout,
        Duration dnsAttemptTimeout,
        int dnsAttempts,
        long cacheSize,
        int smtpPort,
        List<Cidr> allowTargets,
        List<Integer> allowPorts,
        int connectionsPerAddress,
        Duration connectionInterval,
        Optional<String> helo,
        Optional<String> mailFrom,
        Optional<Path> tlsCaFile,
        boolean allowSend,
        List<String> sendDomains,
        Optional<InetSocketAddress> control,
        Timeouts timeouts,
        boolean ping,
        Optional<String> db,
        int historyDays,
        dev.mxdoctor.dnsbl.DnsblSettings dnsbls,
        RelayTestSettings relaytest,
        int mtaStsPort,
        Optional<Path> dnssecAnchorsFile) {

    /**
     * Whether {@code relaytest} may run, and the outside sender and recipient it asks relays to carry mail between
     * (reserved example domains by default: nothing could be delivered even by a relay that took it).
     */
    public record RelayTestSettings(boolean allowed, String from, String to) {
        static RelayTestSettings read(SettingsReader r) {
            return new RelayTestSettings(r.bool("MXDOCTOR_ALLOW_RELAYTEST", false),
                    r.parsed("MXDOCTOR_RELAYTEST_FROM", "relaytest@example.org", Config::mailAddress),
                    r.parsed("MXDOCTOR_RELAYTEST_TO", "relaytest@example.net", Config::mailAddress));
        }
    }

    public Config {
        resolvers = List.copyOf(resolvers);
        allowTargets = List.copyOf(allowTargets);
        allowPorts = List.copyOf(allowPorts);
        sendDomains = List.copyOf(sendDomains);
    }

    /**
     * Reads every setting; when any is wrong, throws a {@link SettingsReader.ConfigurationException} listing all
     * the problems, one line each.
     */
    public static Config fromEnvironment(Map<String, String> env) {
        SettingsReader r = new SettingsReader(env);
        Config config = read(r, env);
        r.check();
        return config;
    }

    /** Reads the settings into {@code r}, which collects the problems (the caller checks them). */
    static Config read(SettingsReader r, Map<String, String> env) {
        Timeouts d = Timeouts.DEFAULTS;
        Optional<String> db = Optional.empty();
        r.text("MXDOCTOR_DB"); // read below with its default location; marked as known here
        try {
            db = db(env);
        } catch (IllegalArgumentException e) {
            r.problem(String.valueOf(e.getMessage()));
        }
        return new Config(
                r.parsed("MXDOCTOR_DNS", List.of(), Config::resolvers),
                r.integer("MXDOCTOR_NS_PORT", 53, 1, 65535),
                Duration.ofSeconds(r.integer("MXDOCTOR_TIMEOUT", 60, 1, 600)),
                Duration.ofSeconds(r.integer("MXDOCTOR_MAX_TIMEOUT", 300, 1, 600)),
                Duration.ofMillis(r.integer("MXDOCTOR_DNS_TIMEOUT_MS", 2000, 10, 60_000)),
                r.integer("MXDOCTOR_DNS_ATTEMPTS", 2, 1, 10),
                r.integer("MXDOCTOR_DNS_CACHE_SIZE", 10_000, 1, 10_000_000),
                r.integer("MXDOCTOR_SMTP_PORT", 25, 1, 65535),
                r.parsed("MXDOCTOR_ALLOW_TARGETS", List.of(), SettingsReader.listOf(Config::cidr)),
                r.parsed("MXDOCTOR_ALLOW_PORTS", List.of(), SettingsReader.listOf(Config::port)),
                r.integer("MXDOCTOR_CONNECTIONS_PER_ADDRESS", 2, 1, 100),
                Duration.ofMillis(r.integer("MXDOCTOR_CONNECTION_INTERVAL_MS", 100, 0, 60_000)),
                r.parsed("MXDOCTOR_HELO", Optional.empty(), v -> Optional.of(hostName(v))),
                r.parsed("MXDOCTOR_MAIL_FROM", Optional.empty(), v -> Optional.of(mailAddress(v))),
                r.parsed("MXDOCTOR_TLS_CA_FILE", Optional.empty(),
                        v -> Optional.of(readableFile(v, "a PEM file of CA certificates"))),
                r.bool("MXDOCTOR_ALLOW_SEND", false),
                r.parsed("MXDOCTOR_SEND_DOMAINS", List.of(), SettingsReader.listOf(Config::hostName)),
                r.parsed("MXDOCTOR_CONTROL_HOST", Optional.empty(),
                        v -> Optional.of(addresses(v, HostPort.SMTP_PORT).get(0))),
                new Timeouts(
                        Duration.ofSeconds(r.integer("MXDOCTOR_SMTP_CONNECT_TIMEOUT",
                                (int) d.connect().toSeconds(), 1, 300)),
                        Duration.ofSeconds(r.integer("MXDOCTOR_SMTP_GREETING_TIMEOUT",
                                (int) d.greeting().toSeconds(), 1, 300)),
                        Duration.ofSeconds(r.integer("MXDOCTOR_SMTP_COMMAND_TIMEOUT",
                                (int) d.command().toSeconds(), 1, 300)),
                        d.dataEnd(), d.slowGreeting()),
                r.bool("MXDOCTOR_PING", true),
                db,
                r.integer("MXDOCTOR_HISTORY_DAYS", 90, 1, 36500),
                dev.mxdoctor.dnsbl.DnsblSettings.read(r),
                RelayTestSettings.read(r),
                r.integer("MXDOCTOR_MTA_STS_PORT", 443, 1, 65535),
                r.parsed("MXDOCTOR_DNSSEC_ANCHORS", Optional.empty(), v -> Optional.of(anchorsFile(v))));
    }

    /** The effective settings, defaults included and secrets masked, for the log line at start. */
    public java.util.SortedMap<String, String> effective() {
        java.util.SortedMap<String, String> m = new java.util.TreeMap<>();
        m.put("MXDOCTOR_DNS", resolvers.isEmpty() ? "(system resolvers)" : SettingsReader.shown(resolvers));
        m.put("MXDOCTOR_NS_PORT", String.valueOf(nameServerPort));
        m.put("MXDOCTOR_TIMEOUT", timeout.toSeconds() + "s");
        m.put("MXDOCTOR_MAX_TIMEOUT", maxTimeout.toSeconds() + "s");
        m.put("MXDOCTOR_DNS_TIMEOUT_MS", String.valueOf(dnsAttemptTimeout.toMillis()));
        m.put("MXDOCTOR_DNS_ATTEMPTS", String.valueOf(dnsAttempts));
        m.put("MXDOCTOR_DNS_CACHE_SIZE", String.valueOf(cacheSize));
        m.put("MXDOCTOR_SMTP_PORT", String.valueOf(smtpPort));
        m.put("MXDOCTOR_ALLOW_TARGETS", SettingsReader.shown(allowTargets));
        m.put("MXDOCTOR_ALLOW_PORTS", SettingsReader.shown(allowPorts));
        m.put("MXDOCTOR_CONNECTIONS_PER_ADDRESS", String.valueOf(connectionsPerAddress));
        m.put("MXDOCTOR_CONNECTION_INTERVAL_MS", String.valueOf(connectionInterval.toMillis()));
        m.put("MXDOCTOR_HELO", helo.orElse("(this host's name)"));
        m.put("MXDOCTOR_MAIL_FROM", mailFrom.orElse("(postmaster@ the HELO name)"));
        m.put("MXDOCTOR_TLS_CA_FILE", SettingsReader.shown(tlsCaFile));
        m.put("MXDOCTOR_ALLOW_SEND", String.valueOf(allowSend));
        m.put("MXDOCTOR_SEND_DOMAINS", sendDomains.isEmpty() ? "(any)" : SettingsReader.shown(sendDomains));
        m.put("MXDOCTOR_CONTROL_HOST", SettingsReader.shown(control));
        m.put("MXDOCTOR_SMTP_CONNECT_TIMEOUT", timeouts.connect().toSeconds() + "s");
        m.put("MXDOCTOR_SMTP_GREETING_TIMEOUT", timeouts.greeting().toSeconds() + "s");
        m.put("MXDOCTOR_SMTP_COMMAND_TIMEOUT", timeouts.command().toSeconds() + "s");
        m.put("MXDOCTOR_PING", String.valueOf(ping));
        m.put("MXDOCTOR_DB", db.map(SettingsReader::maskUrl).orElse("none"));
        m.put("MXDOCTOR_HISTORY_DAYS", String.valueOf(historyDays));
        m.putAll(dnsbls.effective());
        m.put("MXDOCTOR_ALLOW_RELAYTEST", String.valueOf(relaytest.allowed()));
        m.put("MXDOCTOR_RELAYTEST_FROM", relaytest.from());
        m.put("MXDOCTOR_RELAYTEST_TO", relaytest.to());
        m.put("MXDOCTOR_MTA_STS_PORT", String.valueOf(mtaStsPort));
        m.put("MXDOCTOR_DNSSEC_ANCHORS", dnssecAnchorsFile.map(Path::toString).orElse("(the root's, shipped)"));
        return m;
    }

    /** The DNSSEC trust anchors DANE validates from: MXDOCTOR_DNSSEC_ANCHORS's records, else the root's. */
    public byte[] dnssecAnchors() {
        if (dnssecAnchorsFile.isEmpty()) {
            return dev.mxdoctor.dns.ValidatingDnsClient.rootAnchors();
        }
        try {
            return java.nio.file.Files.readAllBytes(dnssecAnchorsFile.get());
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("MXDOCTOR_DNSSEC_ANCHORS: cannot read " + dnssecAnchorsFile.get() + ": "
                    + e.getMessage(), e);
        }
    }

    /** A readable file of DS or DNSKEY records in zone-file format. */
    private static Path anchorsFile(String value) {
        Path p = readableFile(value, "a file of DS or DNSKEY records in zone-file format");
        try {
            dev.mxdoctor.dns.ValidatingDnsClient.check(java.nio.file.Files.readAllBytes(p));
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("cannot read " + p + ": " + e.getMessage(), e);
        }
        return p;
    }

    /**
     * The history's JDBC URL: MXDOCTOR_DB (SQLite or PostgreSQL; {@code none} turns the history off), else embedded
     * SQLite in the user's data directory ({@code $XDG_DATA_HOME/mxdoctor/}, else {@code ~/.local/share/mxdoctor/}),
     * never the working directory.
     */
    static Optional<String> db(Map<String, String> env) {
        String value = env.get("MXDOCTOR_DB");
        if (value == null || value.isBlank()) {
            return Optional.of("jdbc:sqlite:" + dataDirectory(env).resolve("history.db"));
        }
        String v = value.strip();
        if (v.equalsIgnoreCase("none")) {
            return Optional.empty();
        }
        if (!v.startsWith("jdbc:sqlite:") && !v.startsWith("jdbc:postgresql:")) {
            throw new IllegalArgumentException("MXDOCTOR_DB must be a jdbc:sqlite: or jdbc:postgresql: URL, or none "
                    + "to keep no history; not '" + SettingsReader.maskUrl(v) + "'");
        }
        return Optional.of(v);
    }

    /** Where mxdoctor keeps its data (the XDG Base Directory rule for data). */
    static Path dataDirectory(Map<String, String> env) {
        String xdg = env.get("XDG_DATA_HOME");
        if (xdg != null && !xdg.isBlank() && Path.of(xdg.strip()).isAbsolute()) {
            return Path.of(xdg.strip(), "mxdoctor");
        }
        String home = env.get("HOME");
        if (home == null || home.isBlank()) {
            home = System.getProperty("user.home");
        }
        return Path.of(home, ".local", "share", "mxdoctor");
    }

    /**
     * The name announced in EHLO/HELO: MXDOCTOR_HELO, else this host's fully qualified name. Looked up only when a
     * dialogue needs it (a reverse look-up of the host's address can be slow, and dns or history never need it).
     */
    public String heloName() {
        return helo.orElseGet(() -> {
            try {
                return Names.domain(InetAddress.getLocalHost().getCanonicalHostName(), false).ascii();
            } catch (UnknownHostException | Names.InvalidNameException e) {
                return "localhost";
            }
        });
    }

    /** The default envelope sender: MXDOCTOR_MAIL_FROM, else postmaster@ the HELO name. */
    public String mailFromAddress(String heloName) {
        return mailFrom.orElse("postmaster@" + heloName);
    }

    /**
     * The ports mxdoctor may dial: the mail ports, MXDOCTOR_ALLOW_PORTS, and the ports configuration itself names
     * (MXDOCTOR_SMTP_PORT, MXDOCTOR_CONTROL_HOST's).
     */
    public java.util.Set<Integer> dialablePorts() {
        java.util.Set<Integer> ports = new java.util.TreeSet<>(dev.mxdoctor.smtp.TargetPolicy.MAIL_PORTS);
        ports.addAll(allowPorts);
        ports.add(smtpPort);
        control.ifPresent(c -> ports.add(c.getPort()));
        return ports;
    }

    /** Parses "192.0.2.53, [2001:db8::53]:5353, 127.0.0.1:5300" with the same rules as {@code @resolver}. */
    static List<InetSocketAddress> resolvers(@Nullable String value) {
        if (value == null || value.isBlank()) {
            return List.of();
        }
        List<InetSocketAddress> out = new ArrayList<>();
        for (String part : value.split(",")) {
            out.addAll(addresses(part.strip(), HostPort.DNS_PORT));
        }
        return out;
    }

    private static List<InetSocketAddress> addresses(String spec, int defaultPort) {
        HostPort hp;
        try {
            hp = CommandParser.hostPort(spec, defaultPort);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + spec + "' is not a server: " + e.getMessage(), e);
        }
        try {
            List<InetSocketAddress> out = new ArrayList<>();
            for (InetAddress a : InetAddress.getAllByName(hp.host())) {
                out.add(new InetSocketAddress(a, hp.port()));
            }
            return out;
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("cannot resolve '" + spec + "'", e);
        }
    }

    private static String hostName(String value) {
        try {
            return Names.domain(value, false).ascii();
        } catch (Names.InvalidNameException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    private static String mailAddress(String value) {
        try {
            return MailAddress.parse(value).ascii();
        } catch (Names.InvalidNameException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** Checked at start so that a bot is not found broken at its first mx; the content is read when needed. */
    private static Path readableFile(String value, String expected) {
        Path p = Path.of(value);
        if (!java.nio.file.Files.isRegularFile(p) || !java.nio.file.Files.isReadable(p)) {
            throw new IllegalArgumentException("'" + value + "' is not a readable file; expected " + expected);
        }
        return p;
    }

    private static Cidr cidr(String value) {
        try {
            return Cidr.parse(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage() + "; expected CIDRs such as 127.0.0.0/8, ::1/128", e);
        }
    }

    private static int port(String value) {
        try {
            int port = Integer.parseInt(value);
            if (port >= 1 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // said below
        }
        throw new IllegalArgumentException("'" + value + "' is not a port; expected port numbers such as 2526, 10025");
    }
}
