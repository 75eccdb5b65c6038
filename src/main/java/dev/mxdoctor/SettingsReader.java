package dev.mxdoctor;

import dev.mxdoctor.dns.Addresses;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Reads settings from the environment and collects every problem instead of stopping at the first, so that a
 * deployment with three mistakes is told about all three at once. A bad value yields its fallback here and a line in
 * {@link #problems()}; {@link #check()} then refuses the whole configuration.
 */
public final class SettingsReader {

    private final Map<String, String> env;
    private final List<String> problems = new ArrayList<>();
    private final java.util.Set<String> asked = new java.util.HashSet<>();

    /** Variables read by the launcher script, not by the program. */
    private static final java.util.Set<String> LAUNCHER = java.util.Set.of("MXDOCTOR_JAVA_OPTS");

    public SettingsReader(Map<String, String> env) {
        this.env = env;
    }

    /** The value, stripped, when set and not blank. */
    public Optional<String> text(String name) {
        asked.add(name);
        return Optional.ofNullable(env.get(name)).map(String::strip).filter(v -> !v.isEmpty());
    }

    public int integer(String name, int fallback, int min, int max) {
        Optional<String> v = text(name);
        if (v.isEmpty()) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(v.get());
            if (n >= min && n <= max) {
                return n;
            }
            problem(name + " must be between " + min + " and " + max + ", not " + v.get());
        } catch (NumberFormatException e) {
            problem(name + " must be a whole number, not '" + v.get() + "'");
        }
        return fallback;
    }

    public boolean bool(String name, boolean fallback) {
        Optional<String> v = text(name);
        if (v.isEmpty()) {
            return fallback;
        }
        return switch (v.get().toLowerCase(Locale.ROOT)) {
            case "true", "yes", "1", "on" -> true;
            case "false", "no", "0", "off" -> false;
            default -> {
                problem(name + " must be true or false, not '" + v.get() + "'");
                yield fallback;
            }
        };
    }

    /**
     * A value read by {@code parse}, which throws {@link IllegalArgumentException} saying what is wrong; the
     * problem is recorded under the variable's name and the fallback returned.
     */
    public <T> T parsed(String name, T fallback, Function<String, T> parse) {
        Optional<String> v = text(name);
        if (v.isEmpty()) {
            return fallback;
        }
        try {
            return parse.apply(v.get());
        } catch (IllegalArgumentException e) {
            String message = String.valueOf(e.getMessage());
            problem(message.startsWith(name) ? message : name + ": " + message);
            return fallback;
        }
    }

    /**
     * Variables that look like mxdoctor's (MXDOCTOR_, SLACK_) but that nothing has read: usually a typo, such as
     * MXDOCTOR_TIMEOUT_SECONDS for MXDOCTOR_TIMEOUT. Ask after everything was read.
     */
    public List<String> unknown() {
        return env.keySet().stream().filter(k -> k.startsWith("MXDOCTOR_") || k.startsWith("SLACK_"))
                .filter(k -> !asked.contains(k) && !LAUNCHER.contains(k)).sorted()
                .map(k -> k + " is not a setting mxdoctor knows; it is ignored" + closest(k).map(c -> " (did you mean "
                        + c + "?)").orElse("")).toList();
    }

    /** The setting read that {@code name} most likely misspells: the one sharing the longest prefix with it. */
    private Optional<String> closest(String name) {
        String best = null;
        int bestLength = 0;
        for (String k : asked) {
            int n = 0;
            while (n < Math.min(k.length(), name.length()) && k.charAt(n) == name.charAt(n)) {
                n++;
            }
            int prefix = name.startsWith("SLACK_") ? "SLACK_".length() : "MXDOCTOR_".length();
            if (n > bestLength && n > prefix) {
                best = k;
                bestLength = n;
            }
        }
        return Optional.ofNullable(best);
    }

    public void problem(String message) {
        problems.add(message);
    }

    public List<String> problems() {
        return List.copyOf(problems);
    }

    /** Refuses the configuration when anything read so far was wrong. */
    public void check() {
        if (!problems.isEmpty()) {
            throw new ConfigurationException(problems);
        }
    }

    /** Every problem of a configuration, one line each. */
    public static final class ConfigurationException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;
        private final List<String> problems;

        public ConfigurationException(List<String> problems) {
            super(String.join("\n", problems));
            this.problems = List.copyOf(problems);
        }

        public List<String> problems() {
            return problems;
        }
    }

    /** Masks the password of a JDBC URL for logs and messages. */
    public static String maskUrl(String url) {
        return url.replaceAll("(?i)(password=)[^&;]*", "$1***").replaceAll("(?i)(//[^/:@]+:)[^@/]*@", "$1***@");
    }

    /** Values shown in the effective configuration. */
    public static String shown(Object value) {
        if (value instanceof Optional<?> o) {
            return o.map(SettingsReader::shown).orElse("(unset)");
        }
        if (value instanceof List<?> l) {
            return l.isEmpty() ? "(none)" : String.join(",", l.stream().map(SettingsReader::shown).toList());
        }
        if (value instanceof java.net.InetSocketAddress a) {
            return Addresses.text(a.getAddress()) + ":" + a.getPort();
        }
        return String.valueOf(value);
    }

    static <T> Function<String, List<T>> listOf(Function<String, T> item) {
        return value -> {
            List<T> out = new ArrayList<>();
            for (String part : value.split(",")) {
                out.add(item.apply(part.strip()));
            }
            return out;
        };
    }
}
