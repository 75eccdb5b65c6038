package dev.mxdoctor.watch;

import dev.mxdoctor.SettingsReader;
import dev.mxdoctor.command.Durations;
import java.time.Duration;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * How watches may be asked for and how many may run (README, "Configuration").
 *
 * @param defaultEvery MXDOCTOR_WATCH_EVERY: the interval when none is given (5m)
 * @param defaultFor MXDOCTOR_WATCH_FOR: how long a watch lasts when not told (4h)
 * @param minEvery MXDOCTOR_WATCH_MIN_EVERY: the shortest interval allowed (1m; a lab may lower it)
 * @param maxFor MXDOCTOR_WATCH_MAX_FOR: the longest a watch may last (24h)
 * @param perUser MXDOCTOR_WATCHES_PER_USER: live watches one person may have (5)
 * @param perChannel MXDOCTOR_WATCHES_PER_CHANNEL: live watches in one conversation (10)
 * @param total MXDOCTOR_WATCHES_MAX: live watches in all (200)
 * @param running MXDOCTOR_WATCH_RUNS: watch checks running at once, beside and never instead of people's (4)
 */
public record WatchSettings(Duration defaultEvery, Duration defaultFor, Duration minEvery, Duration maxFor,
        int perUser, int perChannel, int total, int running) {

    public static final WatchSettings DEFAULTS = new WatchSettings(Duration.ofMinutes(5), Duration.ofHours(4),
            Duration.ofMinutes(1), Duration.ofHours(24), 5, 10, 200, 4);

    /** Reads the settings into {@code r}, which collects the problems (the caller checks them). */
    public static WatchSettings read(SettingsReader r) {
        WatchSettings d = DEFAULTS;
        Duration minEvery = duration(r, "MXDOCTOR_WATCH_MIN_EVERY", d.minEvery());
        Duration every = duration(r, "MXDOCTOR_WATCH_EVERY", d.defaultEvery());
        Duration maxFor = duration(r, "MXDOCTOR_WATCH_MAX_FOR", d.maxFor());
        Duration forDefault = duration(r, "MXDOCTOR_WATCH_FOR", d.defaultFor());
        if (every.compareTo(minEvery) < 0) {
            r.problem("MXDOCTOR_WATCH_EVERY (" + Durations.format(every) + ") is shorter than MXDOCTOR_WATCH_MIN_EVERY ("
                    + Durations.format(minEvery) + ")");
        }
        if (forDefault.compareTo(maxFor) > 0) {
            r.problem("MXDOCTOR_WATCH_FOR (" + Durations.format(forDefault) + ") is longer than MXDOCTOR_WATCH_MAX_FOR ("
                    + Durations.format(maxFor) + ")");
        }
        return new WatchSettings(every, forDefault, minEvery, maxFor,
                r.integer("MXDOCTOR_WATCHES_PER_USER", d.perUser(), 0, 10_000),
                r.integer("MXDOCTOR_WATCHES_PER_CHANNEL", d.perChannel(), 0, 10_000),
                r.integer("MXDOCTOR_WATCHES_MAX", d.total(), 0, 100_000),
                r.integer("MXDOCTOR_WATCH_RUNS", d.running(), 1, 1000));
    }

    private static Duration duration(SettingsReader r, String name, Duration fallback) {
        Duration value = r.parsed(name, fallback, Durations::parse);
        if (value.compareTo(Duration.ofSeconds(1)) < 0 || value.compareTo(Duration.ofDays(30)) > 0) {
            r.problem(name + " must be between 1s and 30d, not " + Durations.format(value));
            return fallback;
        }
        return value;
    }

    /** The effective settings, for the log line at start. */
    public SortedMap<String, String> effective() {
        SortedMap<String, String> m = new TreeMap<>();
        m.put("MXDOCTOR_WATCH_EVERY", Durations.format(defaultEvery));
        m.put("MXDOCTOR_WATCH_FOR", Durations.format(defaultFor));
        m.put("MXDOCTOR_WATCH_MIN_EVERY", Durations.format(minEvery));
        m.put("MXDOCTOR_WATCH_MAX_FOR", Durations.format(maxFor));
        m.put("MXDOCTOR_WATCHES_PER_USER", String.valueOf(perUser));
        m.put("MXDOCTOR_WATCHES_PER_CHANNEL", String.valueOf(perChannel));
        m.put("MXDOCTOR_WATCHES_MAX", String.valueOf(total));
        m.put("MXDOCTOR_WATCH_RUNS", String.valueOf(running));
        return m;
    }
}
