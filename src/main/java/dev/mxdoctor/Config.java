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
        int historyDays) {

    public Config {
        resolvers = List.copyOf(resolvers);
        allowTargets = List.copyOf(allowTargets);
        allowPorts = List.copyOf(allowPorts);
        sendDomains = List.copyOf(sendDomains);
    }

    public static Config fromEnvironment(Map<String, String> env) {
        Timeouts d = Timeouts.DEFAULTS;
        return new Config(
                resolvers(env.get("MXDOCTOR_DNS")),
                intSetting(env, "MXDOCTOR_NS_PORT", 53, 1, 65535),
                Duration.ofSeconds(intSetting(env, "MXDOCTOR_TIMEOUT", 60, 1, 600)),
                Duration.ofSeconds(intSetting(env, "MXDOCTOR_MAX_TIMEOUT", 300, 1, 600)),
                Duration.ofMillis(intSetting(env, "MXDOCTOR_DNS_TIMEOUT_MS", 2000, 10, 60_000)),
                intSetting(env, "MXDOCTOR_DNS_ATTEMPTS", 2, 1, 10),
                intSetting(env, "MXDOCTOR_DNS_CACHE_SIZE", 10_000, 1, 10_000_000),
                intSetting(env, "MXDOCTOR_SMTP_PORT", 25, 1, 65535),
                cidrs(env.get("MXDOCTOR_ALLOW_TARGETS")),
                ports(env.get("MXDOCTOR_ALLOW_PORTS")),
                intSetting(env, "MXDOCTOR_CONNECTIONS_PER_ADDRESS", 2, 1, 100),
                Duration.ofMillis(intSetting(env, "MXDOCTOR_CONNECTION_INTERVAL_MS", 100, 0, 60_000)),
                helo(env),
                address(env, "MXDOCTOR_MAIL_FROM"),
                Optional.ofNullable(env.get("MXDOCTOR_TLS_CA_FILE")).filter(v -> !v.isBlank()).map(Path::of),
                bool(env, "MXDOCTOR_ALLOW_SEND", false),
                domains(env.get("MXDOCTOR_SEND_DOMAINS")),
                hostPort(env, "MXDOCTOR_CONTROL_HOST"),
                new Timeouts(
                        Duration.ofSeconds(intSetting(env, "MXDOCTOR_SMTP_CONNECT_TIMEOUT",
                                (int) d.connect().toSeconds(), 1, 300)),
                        Duration.ofSeconds(intSetting(env, "MXDOCTOR_SMTP_GREETING_TIMEOUT",
                                (int) d.greeting().toSeconds(), 1, 300)),
                        Duration.ofSeconds(intSetting(env, "MXDOCTOR_SMTP_COMMAND_TIMEOUT",
                                (int) d.command().toSeconds(), 1, 300)),
                        d.dataEnd(), d.slowGreeting()),
                bool(env, "MXDOCTOR_PING", true),
                db(env),
                intSetting(env, "MXDOCTOR_HISTORY_DAYS", 90, 1, 36500));
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
                    + "to keep no history; not '" + v.replaceAll("(?i)password=[^&;]*", "password=***") + "'");
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

    /** MXDOCTOR_HELO when set; it must be a valid host name. */
    private static Optional<String> helo(Map<String, String> env) {
        String v = env.get("MXDOCTOR_HELO");
        if (v == null || v.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Names.domain(v.strip(), false).ascii());
        } catch (Names.InvalidNameException e) {
            throw new IllegalArgumentException("MXDOCTOR_HELO: " + e.getMessage());
        }
    }

    private static Optional<String> address(Map<String, String> env, String variable) {
        String v = env.get(variable);
        if (v == null || v.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(MailAddress.parse(v.strip()).ascii());
        } catch (Names.InvalidNameException e) {
            throw new IllegalArgumentException(variable + ": " + e.getMessage());
        }
    }

    private static List<Cidr> cidrs(@Nullable String value) {
        return list(value, part -> {
            try {
                return Cidr.parse(part);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("MXDOCTOR_ALLOW_TARGETS: " + e.getMessage()
                        + "; expected CIDRs such as 127.0.0.0/8, ::1/128");
            }
        });
    }

    /** The items of a comma-separated setting, each read by {@code item} (which names the setting when it fails). */
    private static <T> List<T> list(@Nullable String value, java.util.function.Function<String, T> item) {
        if (value == null || value.isBlank()) {
            return List.of();
        }
        List<T> out = new ArrayList<>();
        for (String part : value.split(",")) {
            out.add(item.apply(part.strip()));
        }
        return out;
    }

    private static List<String> domains(@Nullable String value) {
        return list(value, part -> {
            try {
                return Names.domain(part, false).ascii();
            } catch (Names.InvalidNameException e) {
                throw new IllegalArgumentException("MXDOCTOR_SEND_DOMAINS: " + e.getMessage());
            }
        });
    }

    private static List<Integer> ports(@Nullable String value) {
        return list(value, part -> {
            try {
                int port = Integer.parseInt(part);
                if (port >= 1 && port <= 65535) {
                    return port;
                }
            } catch (NumberFormatException e) {
                // said below
            }
            throw new IllegalArgumentException("MXDOCTOR_ALLOW_PORTS: '" + part + "' is not a port; expected port "
                    + "numbers such as 2526, 10025");
        });
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

    private static Optional<InetSocketAddress> hostPort(Map<String, String> env, String variable) {
        String v = env.get(variable);
        if (v == null || v.isBlank()) {
            return Optional.empty();
        }
        return Optional.of(addresses(variable, v.strip(), HostPort.SMTP_PORT).get(0));
    }

    private static boolean bool(Map<String, String> env, String name, boolean fallback) {
        String v = env.get(name);
        if (v == null || v.isBlank()) {
            return fallback;
        }
        return switch (v.strip().toLowerCase(java.util.Locale.ROOT)) {
            case "true", "yes", "1", "on" -> true;
            case "false", "no", "0", "off" -> false;
            default -> throw new IllegalArgumentException(name + " must be true or false, not '" + v + "'");
        };
    }

    /** Parses "192.0.2.53, [2001:db8::53]:5353, 127.0.0.1:5300" with the same rules as {@code @resolver}. */
    static List<InetSocketAddress> resolvers(@Nullable String value) {
        if (value == null || value.isBlank()) {
            return List.of();
        }
        List<InetSocketAddress> out = new ArrayList<>();
        for (String part : value.split(",")) {
            out.addAll(addresses("MXDOCTOR_DNS", part.strip(), HostPort.DNS_PORT));
        }
        return out;
    }

    private static List<InetSocketAddress> addresses(String variable, String spec, int defaultPort) {
        HostPort hp;
        try {
            hp = CommandParser.hostPort(spec, defaultPort);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(variable + ": '" + spec + "' is not a server: " + e.getMessage());
        }
        try {
            List<InetSocketAddress> out = new ArrayList<>();
            for (InetAddress a : InetAddress.getAllByName(hp.host())) {
                out.add(new InetSocketAddress(a, hp.port()));
            }
            return out;
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(variable + ": cannot resolve '" + spec + "'");
        }
    }

    private static int intSetting(Map<String, String> env, String name, int fallback, int min, int max) {
        String v = env.get(name);
        if (v == null || v.isBlank()) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(v.strip());
            if (n < min || n > max) {
                throw new IllegalArgumentException(name + " must be between " + min + " and " + max + ", not " + v);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a whole number, not '" + v + "'");
        }
    }
}
