package dev.mxdoctor.watch;

import dev.mxdoctor.command.Durations;
import dev.mxdoctor.command.Invocation;
import dev.mxdoctor.command.Request;
import dev.mxdoctor.diagnosis.Verdict;
import dev.mxdoctor.history.Differences;
import dev.mxdoctor.report.JsonReport;
import dev.mxdoctor.report.Report;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * {@code mxdoctor watch …} at a terminal: the first answer in full, then only what changes, each line with its
 * time, until the watch ends, the verdict is OK ({@code until ok}) or the thread is interrupted (Ctrl-C). With
 * {@code --json}, one JSON report a line: the first, then each that changed, with its {@code changes}.
 */
public final class ForegroundWatch {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);

    /** Waits until a time; interrupted by Ctrl-C. */
    @FunctionalInterface
    public interface Sleeper {
        void sleepUntil(Instant t) throws InterruptedException;

        /** Real time, on {@code clock}. */
        static Sleeper of(Clock clock) {
            return t -> {
                long ms = java.time.Duration.between(clock.instant(), t).toMillis();
                if (ms > 0) {
                    Thread.sleep(ms);
                }
            };
        }
    }

    private final Clock clock;
    private final Sleeper sleeper;
    private final PrintStream out;
    private final PrintStream err;
    private final Function<Report, String> text;

    /**
     * @param text how a full answer is printed (the text report); ignored with --json
     * @param err where the watch's own lines go with --json, so that stdout stays JSON
     */
    public ForegroundWatch(Clock clock, Sleeper sleeper, PrintStream out, PrintStream err,
            Function<Report, String> text) {
        this.clock = clock;
        this.sleeper = sleeper;
        this.out = out;
        this.err = err;
        this.text = text;
    }

    /** Runs the watch with {@code check} (which runs and records one check); returns the last verdict's status. */
    public int run(Request.Watch w, boolean json, Watching.Plan plan, Function<Invocation, Report> check) {
        PrintStream says = json ? err : out;
        Optional<String> baseline = Optional.empty();
        Instant baselineAt = clock.instant();
        int runs = 0;
        Verdict.Status last = Verdict.Status.INCONCLUSIVE;
        try {
            while (true) {
                Instant started = clock.instant();
                Report r = check.apply(w.check());
                if (Thread.interrupted()) {
                    throw new InterruptedException(); // Ctrl-C during the check: its report is cut short
                }
                runs++;
                last = r.verdict().status();
                if (baseline.isEmpty()) {
                    out.print(json ? JsonReport.line(r, List.of()) + "\n" : text.apply(r));
                    says.println("Watching `" + w.checkLine() + "` every " + Durations.format(plan.every())
                            + " until " + Watching.hhmm(plan.ends()) + " UTC" + (plan.untilOk() ? " or until OK" : "")
                            + "; only changes are printed. Ctrl-C stops.");
                    baseline = Optional.of(Differences.stored(r));
                    baselineAt = started;
                } else {
                    List<String> changes = Differences.since(baseline.get(), baselineAt, r, started);
                    if (!changes.isEmpty()) {
                        if (json) {
                            out.println(JsonReport.line(r, changes));
                        } else {
                            String at = "[" + TIME.format(started) + "] ";
                            changes.forEach(c -> out.println(at + c));
                            out.println(at + "now " + r.verdict().status().label().toUpperCase(java.util.Locale.ROOT)
                                    + ": " + r.verdict().summary());
                        }
                        baseline = Optional.of(Differences.stored(r));
                        baselineAt = started;
                    }
                }
                out.flush();
                Optional<String> end = Watching.endAfter(plan, started, last);
                if (end.isPresent()) {
                    says.println("[" + TIME.format(clock.instant()) + "] watch ended: " + end.get() + " ("
                            + checks(runs) + ", last verdict " + last.label() + ")");
                    return last.exitCode();
                }
                sleeper.sleepUntil(Watching.next(plan, started).orElse(plan.ends()));
            }
        } catch (InterruptedException e) {
            says.println("[" + TIME.format(clock.instant()) + "] watch stopped (" + checks(runs) + ", last verdict "
                    + last.label() + ")");
            return last.exitCode();
        }
    }

    private static String checks(int runs) {
        return runs + (runs == 1 ? " check" : " checks");
    }
}
