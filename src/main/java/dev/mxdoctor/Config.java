package dev.mxdoctor;

import dev.mxdoctor.command.CommandParser;
import dev.mxdoctor.command.ResolverSpec;
import dev.mxdoctor.command.UsageException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * mxdoctor's settings, read once from the environment (ARCHITECTURE.md, "Settings"). Parsing is pure; a bad value
 * is an {@link IllegalArgumentException} naming the variable and what it expects.
 *
 * @param resolvers MXDOCTOR_DNS, or empty for the system's resolvers
 * @param nameServerPort MXDOCTOR_NS_PORT: where authoritative name servers are asked (53; the lab uses its own)
 * @param timeout MXDOCTOR_TIMEOUT: a run's overall deadline unless --timeout says otherwise
 * @param dnsAttemptTimeout MXDOCTOR_DNS_TIMEOUT: how long one DNS attempt waits
 * @param dnsAttempts MXDOCTOR_DNS_ATTEMPTS: tries per resolver before the next one
 * @param cacheSize MXDOCTOR_DNS_CACHE_SIZE: DNS cache entries at most
 */
public record Config(
        List<InetSocketAddress> resolvers,
        int nameServerPort,
        Duration timeout,
        Duration dnsAttemptTimeout,
        int dnsAttempts,
        long cacheSize) {

    public Config {
        resolvers = List.copyOf(resolvers);
    }

    public static Config fromEnvironment(Map<String, String> env) {
        return new Config(
                resolvers(env.get("MXDOCTOR_DNS")),
                intSetting(env, "MXDOCTOR_NS_PORT", 53, 1, 65535),
                Duration.ofSeconds(intSetting(env, "MXDOCTOR_TIMEOUT", 30, 1, 600)),
                Duration.ofMillis(intSetting(env, "MXDOCTOR_DNS_TIMEOUT_MS", 2000, 10, 60_000)),
                intSetting(env, "MXDOCTOR_DNS_ATTEMPTS", 2, 1, 10),
                intSetting(env, "MXDOCTOR_DNS_CACHE_SIZE", 10_000, 1, 10_000_000));
    }

    /** Parses "192.0.2.53, [2001:db8::53]:5353, 127.0.0.1:5300" with the same rules as {@code @resolver}. */
    static List<InetSocketAddress> resolvers(String value) {
        if (value == null || value.isBlank()) {
            return List.of();
        }
        CommandParser parser = new CommandParser();
        List<InetSocketAddress> out = new ArrayList<>();
        for (String part : value.split(",")) {
            String spec = part.strip();
            try {
                Optional<ResolverSpec> r = ((dev.mxdoctor.command.Request.Mx) parser
                        .parse(List.of("mx", "example.com", "@" + spec)).request()).resolver();
                ResolverSpec s = r.orElseThrow();
                for (InetAddress a : InetAddress.getAllByName(s.host())) {
                    out.add(new InetSocketAddress(a, s.port()));
                }
            } catch (UsageException e) {
                throw new IllegalArgumentException("MXDOCTOR_DNS: " + e.getMessage());
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException("MXDOCTOR_DNS: cannot resolve '" + spec + "'");
            }
        }
        return out;
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
