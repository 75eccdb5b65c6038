package dev.mxdoctor.watch;

import dev.mxdoctor.command.Durations;
import dev.mxdoctor.command.Request;
import dev.mxdoctor.diagnosis.Verdict;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Optional;

/** A watch's schedule and ending, the same for the bot and the command line. Pure: time is an argument. */
public final class Watching {

    private static final DateTimeFormatter HH_MM = DateTimeFormatter.ofPattern("HH:mm").withZone(ZoneOffset.UTC);

    private Watching() {}

    /**
     * What a watch does: check every {@code every} until {@code ends}, or until the verdict is OK.
     *
     * @param duration how long it was asked to last (for the words "its 4h are up")
     */
    public record Plan(Duration every, Instant ends, Duration duration, boolean untilOk) {}

    /** Refused by configuration: the message names the setting. */
    public static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;

        Refused(String message) {
            super(message);
        }

        @Override
        public String getMessage() {
            return java.util.Objects.requireNonNullElse(super.getMessage(), "refused");
        }
    }

    /** The plan for a watch asked at {@code now}: defaults filled in, bounds of configuration enforced. */
    public static Plan plan(Request.Watch w, WatchSettings s, Instant now) throws Refused {
        Duration every = w.every().orElse(s.defaultEvery());
        Duration duration = w.duration().orElse(s.defaultFor().compareTo(every) < 0 ? every : s.defaultFor());
        if (every.compareTo(s.minEvery()) < 0) {
            throw new Refused("'every " + Durations.format(every) + "' is too often: watches check at most every "
                    + Durations.format(s.minEvery()) + " (MXDOCTOR_WATCH_MIN_EVERY), to be polite to the servers "
                    + "they ask");
        }
        if (duration.compareTo(s.maxFor()) > 0) {
            throw new Refused("'for " + Durations.format(duration) + "' is too long: a watch lasts at most "
                    + Durations.format(s.maxFor()) + " (MXDOCTOR_WATCH_MAX_FOR); start another when it ends");
        }
        return new Plan(every, now.plus(duration), duration, w.untilOk());
    }

    /** When the check after one that started at {@code started} is due; empty when the watch ends before. */
    public static Optional<Instant> next(Plan plan, Instant started) {
        Instant next = started.plus(plan.every());
        return next.isAfter(plan.ends()) ? Optional.empty() : Optional.of(next);
    }

    /** Why the watch ends after a check that started at {@code started} and came to {@code status}; empty if not. */
    public static Optional<String> endAfter(Plan plan, Instant started, Verdict.Status status) {
        if (plan.untilOk() && status == Verdict.Status.OK) {
            return Optional.of("the verdict is OK (until ok)");
        }
        if (next(plan, started).isEmpty()) {
            return Optional.of(timeUp(plan));
        }
        return Optional.empty();
    }

    /** The reason a watch ended at its end time. */
    public static String timeUp(Plan plan) {
        return "its " + Durations.format(plan.duration()) + " are up";
    }

    /**
     * What the status line says of checks that were missed (the bot was stopped, or could not reach the database):
     * when a check due at {@code due} only runs at {@code now}, a whole interval or more late.
     */
    public static Optional<String> gap(Instant due, Instant now, Duration every) {
        if (Duration.between(due, now).compareTo(every) < 0) {
            return Optional.empty();
        }
        return Optional.of("no checks between " + hhmm(due) + " and " + hhmm(now) + " UTC (mxdoctor was not running)");
    }

    /** HH:mm in UTC, as every watch message gives times. */
    public static String hhmm(Instant t) {
        return HH_MM.format(t);
    }
}
