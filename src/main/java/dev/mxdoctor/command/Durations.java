package dev.mxdoctor.command;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as people type them: {@code 90s}, {@code 5m}, {@code 4h}, {@code 1d}, {@code 1h30m}. Pure. */
public final class Durations {

    private static final Pattern WHOLE = Pattern.compile("(?:\\d{1,6}[smhd])+");
    private static final Pattern PART = Pattern.compile("(\\d{1,6})([smhd])");

    private Durations() {}

    /**
     * Parses a duration.
     *
     * @throws IllegalArgumentException saying what is expected, when {@code text} is not one
     */
    public static Duration parse(String text) {
        String t = text.strip().toLowerCase(Locale.ROOT);
        if (!WHOLE.matcher(t).matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a duration; expected a number with a unit, "
                    + "such as 90s, 5m, 4h, 1d or 1h30m");
        }
        Duration d = Duration.ZERO;
        Matcher m = PART.matcher(t);
        while (m.find()) {
            long n = Long.parseLong(m.group(1));
            d = d.plus(switch (m.group(2)) {
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            });
        }
        if (d.isZero()) {
            throw new IllegalArgumentException("'" + text + "' is no time at all");
        }
        return d;
    }

    /** The duration in the same notation, largest units first: "1h30m", "5m", "45s". */
    public static String format(Duration d) {
        long s = d.toSeconds();
        StringBuilder b = new StringBuilder();
        long[] sizes = {86_400, 3_600, 60, 1};
        char[] units = {'d', 'h', 'm', 's'};
        for (int i = 0; i < sizes.length; i++) {
            if (s >= sizes[i]) {
                b.append(s / sizes[i]).append(units[i]);
                s %= sizes[i];
            }
        }
        return b.isEmpty() ? "0s" : b.toString();
    }
}
