package dev.mxdoctor.slack;

import dev.mxdoctor.check.Progress;
import dev.mxdoctor.command.CommandParser;
import dev.mxdoctor.command.Invocation;
import dev.mxdoctor.command.Request;
import dev.mxdoctor.command.UsageException;
import dev.mxdoctor.history.Differences;
import dev.mxdoctor.history.History;
import dev.mxdoctor.history.HistoryException;
import dev.mxdoctor.history.RunRecord;
import dev.mxdoctor.history.RunState;
import dev.mxdoctor.history.WatchRecord;
import dev.mxdoctor.report.ErrorId;
import dev.mxdoctor.report.Report;
import dev.mxdoctor.watch.WatchSettings;
import dev.mxdoctor.watch.Watching;
import dev.mxdoctor.work.WorkerPool;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BiFunction;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches in Slack: a check repeated on a schedule for a conversation. The first check answers as usual; later ones
 * post nothing while nothing changes, and one reply in the thread when something does, against the last state told
 * (not the last check, so a change is told once). The first answer keeps a status line. Watches live in the
 * history database: every round, this bot takes those nobody holds and renews its own, so each runs on one bot at
 * a time and another takes over when it dies. Their checks run in a lane of their own, beside people's checks and
 * never in their way.
 */
final class SlackWatches implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SlackWatches.class);

    /**
     * Identical watches due within this of each other share one check (and never a check older than half the
     * interval of the watch that asks: a watch sees a fresh state at each of its checks).
     */
    static final Duration SHARE_WINDOW = Duration.ofSeconds(30);

    private final WatchSettings settings;
    private final History history;
    private final Poster poster;
    private final Runner runner;
    private final BiFunction<Invocation, Progress, Report> checks;
    private final Clock clock;
    private final WorkerPool lane;
    private final CommandParser parser = new CommandParser();
    /** How often the schedule is looked at, and how long a claim holds: both well under the shortest interval. */
    private final Duration round;
    private final Duration hold;
    private final Map<String, CompletableFuture<Void>> inFlight = new ConcurrentHashMap<>();
    private final Map<Invocation, Shared> shared = new ConcurrentHashMap<>();
    /**
     * Watches whose first check this bot is answering now, and since when: the rounds leave them alone (a first
     * check that outlasts the interval must not be answered twice), for at most the longest a check may take.
     */
    private final Map<String, Instant> firstUnderWay = new ConcurrentHashMap<>();
    private static final Duration LONGEST_CHECK = Duration.ofMinutes(11);
    private volatile boolean closing;
    private volatile int held;
    private final java.util.concurrent.atomic.AtomicBoolean shut = new java.util.concurrent.atomic.AtomicBoolean();
    private @Nullable Thread loop;

    private record Shared(CompletableFuture<Report> report, Instant started) {}

    SlackWatches(WatchSettings settings, History history, Poster poster, Runner runner,
            BiFunction<Invocation, Progress, Report> checks, Clock clock) {
        this.settings = settings;
        this.history = history;
        this.poster = poster;
        this.runner = runner;
        this.checks = checks;
        this.clock = clock;
        this.lane = new WorkerPool(settings.running(), Math.max(1, settings.total()), Math.max(1, settings.total()));
        this.round = clamp(settings.minEvery().dividedBy(4), Duration.ofSeconds(1), Duration.ofSeconds(5));
        Duration half = settings.minEvery().dividedBy(2);
        this.hold = max(round.multipliedBy(3), half.compareTo(Duration.ofSeconds(30)) < 0 ? half
                : Duration.ofSeconds(30));
    }

    private static Duration clamp(Duration d, Duration min, Duration max) {
        return d.compareTo(min) < 0 ? min : d.compareTo(max) > 0 ? max : d;
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    /** Starts the rounds: at once (resuming what a stopped bot left), then every {@link #round}. */
    void start() {
        loop = Thread.ofVirtual().name("watches").start(() -> {
            while (!closing) {
                try {
                    tick();
                } catch (RuntimeException e) {
                    LOG.warn("watches: a round failed, error id {}", ErrorId.next(), e);
                }
                try {
                    Thread.sleep(round); // a period, not a timing assumption
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
    }

    /**
     * {@code watch <check> …}: stores the watch and runs its first check like any other (the caller counted it
     * against the asker's rate). Returns what to tell the asker instead when it cannot start.
     */
    Optional<String> start(Request.Watch w, String user, String channel, @Nullable String thread,
            @Nullable String responseUrl) {
        if (!history.enabled()) {
            return Optional.of(":no_entry: watches are kept in the history database, and this mxdoctor keeps none "
                    + "(MXDOCTOR_DB=none)");
        }
        Instant now = clock.instant();
        Watching.Plan plan;
        try {
            plan = Watching.plan(w, settings, now);
        } catch (Watching.Refused e) {
            return Optional.of(":no_entry: " + e.getMessage());
        }
        List<WatchRecord> live;
        try {
            live = history.liveWatches(Optional.empty(), Optional.empty());
        } catch (HistoryException e) {
            return Optional.of(":warning: the watch cannot start: " + SlackRender.escape(e.getMessage()));
        }
        long mine = live.stream().filter(x -> x.requester().equals(user)).count();
        long here = live.stream().filter(x -> x.channel().equals(channel)).count();
        String stopOne = "; `watch list` shows them, `watch stop <id>` ends one";
        if (live.size() >= settings.total()) {
            return Optional.of(":hand: mxdoctor already runs " + live.size() + " watches, its limit "
                    + "(MXDOCTOR_WATCHES_MAX)" + stopOne);
        }
        if (mine >= settings.perUser()) {
            return Optional.of(":hand: you already have " + mine + " watches, the limit for one person "
                    + "(MXDOCTOR_WATCHES_PER_USER)" + stopOne);
        }
        if (here >= settings.perChannel()) {
            return Optional.of(":hand: this conversation already has " + here + " watches, the limit "
                    + "(MXDOCTOR_WATCHES_PER_CHANNEL)" + stopOne);
        }
        WatchRecord record = WatchRecord.create(newId(), Optional.empty(), channel, Optional.ofNullable(thread), user,
                w.checkLine(), plan.every(), now, plan.ends(), plan.untilOk());
        try {
            history.createWatch(record, hold);
        } catch (HistoryException e) {
            return Optional.of(":warning: the watch cannot start: " + SlackRender.escape(e.getMessage()));
        }
        LOG.info("watch {} started by {} in {}: {} every {} until {}", record.id(), user, channel, w.checkLine(),
                plan.every(), plan.ends());
        firstUnderWay.put(record.id(), now);
        Runner.Spec spec = new Runner.Spec(Runner.newRunId(), w.checkLine(), w.check(), user, channel, thread,
                responseUrl, null, true, (report, posted) -> {
                    try {
                        firstAnswer(record.id(), report, posted, now, Optional.empty());
                    } finally {
                        firstUnderWay.remove(record.id());
                    }
                });
        try {
            runner.submit(spec);
            return Optional.empty();
        } catch (WorkerPool.Rejected e) {
            firstUnderWay.remove(record.id());
            history.saveWatch(record.ended("not started: " + e.getMessage()));
            return Optional.of(":hand: " + e.getMessage());
        }
    }

    private static String newId() {
        return "w" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()).substring(0, 7);
    }

    /**
     * One round: takes the watches nobody holds, renews this bot's, and starts the checks that are due (ends those
     * whose time passed while no bot ran them, and those asked to stop). The future completes when every check of
     * this bot's watches under way is done.
     */
    CompletableFuture<Void> tick() {
        if (closing) {
            return CompletableFuture.completedFuture(null);
        }
        Instant now = clock.instant();
        shared.values().removeIf(s -> s.report().isDone() && Duration.between(s.started(), now).abs()
                .compareTo(SHARE_WINDOW) > 0);
        List<WatchRecord> mine = history.claimWatches(hold, Duration.ofSeconds(2));
        held = mine.size();
        for (WatchRecord w : mine) {
            Instant first = firstUnderWay.get(w.id());
            if (inFlight.containsKey(w.id())
                    || (first != null && Duration.between(first, now).compareTo(LONGEST_CHECK) < 0)) {
                continue;
            }
            if (w.state() == WatchRecord.State.STOPPING) {
                background(w, () -> end(w, stoppedBy(w.stoppedBy().orElse(w.requester()))));
            } else if (now.isAfter(w.ends())) {
                background(w, () -> end(w, Watching.timeUp(plan(w))));
            } else if (!now.isBefore(w.next())) {
                check(w, now);
            }
        }
        return CompletableFuture.allOf(inFlight.values().toArray(CompletableFuture[]::new));
    }

    /** "stopped by @bob", or by whom at the command line ({@code mxdoctor watch stop} records "cli:<user>"). */
    private static String stoppedBy(String who) {
        return who.startsWith("cli:") ? "stopped from the command line (by " + who.substring(4) + ")"
                : "stopped by <@" + who + ">";
    }

    /** Watches this bot held at its last round (for /metrics). */
    int held() {
        return held;
    }

    /** The lane watch checks run in (for /metrics). */
    WorkerPool lane() {
        return lane;
    }

    private static Watching.Plan plan(WatchRecord w) {
        return new Watching.Plan(w.every(), w.ends(), Duration.between(w.created(), w.ends()), w.untilOk());
    }

    /** Work for one watch off the round's thread, at most one at a time per watch. */
    private void background(WatchRecord w, Runnable work) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (inFlight.putIfAbsent(w.id(), done) != null) {
            return;
        }
        Thread.ofVirtual().start(() -> {
            try {
                work.run();
            } catch (RuntimeException e) {
                LOG.warn("watch {}: error id {}", w.id(), ErrorId.next(), e);
            } finally {
                inFlight.remove(w.id(), done);
                done.complete(null);
            }
        });
    }

    /** A due check, in the watches' lane. */
    private void check(WatchRecord w, Instant now) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (inFlight.putIfAbsent(w.id(), done) != null) {
            return;
        }
        Runnable finished = () -> {
            inFlight.remove(w.id(), done);
            done.complete(null);
        };
        String runId = Runner.newRunId();
        try {
            lane.submit(runId, w.requester(), new WorkerPool.Job() {
                @Override
                public void run() {
                    try (org.slf4j.MDC.MDCCloseable context = org.slf4j.MDC.putCloseable(dev.mxdoctor.Logging.RUN,
                            runId)) {
                        checkNow(w, now, runId);
                    } catch (RuntimeException | LinkageError e) {
                        LOG.error("watch {}: check failed, error id {}", w.id(), ErrorId.next(), e);
                    } finally {
                        finished.run();
                    }
                }

                @Override
                public void cancelledBeforeStart() {
                    finished.run();
                }
            });
        } catch (WorkerPool.Rejected e) {
            LOG.warn("watch {}: no room in the watches' lane ({}); next round", w.id(), e.getMessage());
            finished.run();
        }
    }

    private void checkNow(WatchRecord w, Instant due, String runId) {
        Instant started = clock.instant();
        Optional<String> gap = Watching.gap(w.next(), due, w.every());
        Invocation invocation;
        try {
            invocation = parser.parse(w.commandLine());
        } catch (UsageException e) {
            end(w, "its check is no longer understood (" + e.getMessage() + ")");
            return;
        }
        RunRecord record = new RunRecord(runId, w.workspace(), Optional.of(w.channel()), w.threadTs(), w.requester(),
                invocation.request().command(), invocation.request().query(), started);
        History.Run run = history.begin(record);
        Report report;
        try {
            Duration half = w.every().dividedBy(2);
            report = sharedCheck(invocation, started, half.compareTo(SHARE_WINDOW) < 0 ? half : SHARE_WINDOW);
        } catch (RuntimeException | LinkageError e) {
            String id = ErrorId.next();
            LOG.error("watch {}: {} failed, error id {}", w.id(), w.commandLine(), id, e);
            run.finish(Report.failed(record.command(), record.query(), started, "error id " + id), RunState.FAILED);
            history.saveWatch(w.afterRun(started, "error", started.plus(w.every()), Optional.empty(), gap));
            return;
        }
        run.finish(report, RunState.DONE);
        if (w.parentTs().isEmpty()) {
            // Its first answer never made it out (the bot stopped first): this check answers in full.
            Runner.Spec spec = new Runner.Spec(runId, w.commandLine(), invocation, w.requester(), w.channel(),
                    w.threadTs().orElse(null), null, null, false);
            firstAnswer(w.id(), report, runner.post(spec, report), started, gap);
            return;
        }
        Optional<String> told = Optional.empty();
        List<String> changes = changes(w, report, started);
        if (!changes.isEmpty()) {
            try {
                poster.post(w.channel(), w.threadTs().orElse(null), SlackRender.watchChange(w, changes, report,
                        w.baselineAt().orElse(w.created())));
                told = Optional.of(Differences.stored(report));
            } catch (Poster.SlackError | RuntimeException e) {
                LOG.warn("watch {}: the change could not be posted (told next time): {}", w.id(), e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        afterCheck(w, report, started, told, gap);
    }

    /** What changed since the state last told; a baseline that cannot be read is replaced without a word. */
    private static List<String> changes(WatchRecord w, Report report, Instant at) {
        if (w.baseline().isEmpty()) {
            return List.of();
        }
        try {
            return Differences.since(w.baseline().get(), w.baselineAt().orElse(w.created()), report, at);
        } catch (IllegalArgumentException e) {
            LOG.warn("watch {}: its last told state cannot be read; starting again from this one", w.id());
            return List.of();
        }
    }

    /** The check's answer was posted as usual (or could not be): it becomes the watch's parent and baseline. */
    private void firstAnswer(String id, Report report, Runner.@Nullable Posted posted, Instant started,
            Optional<String> gap) {
        Optional<WatchRecord> stored;
        try {
            stored = history.watch(id);
        } catch (HistoryException e) {
            LOG.warn("watch {}: its first answer cannot be recorded: {}", id, e.getMessage());
            return;
        }
        if (stored.isEmpty() || !stored.get().live()) {
            return;
        }
        WatchRecord w = stored.get();
        if (posted == null) {
            end(w, "mxdoctor cannot post in this conversation; invite it with /invite @mxdoctor and start the watch "
                    + "again");
            return;
        }
        afterCheck(w.withParent(posted.ts(), SlackRender.stored(posted.summary())), report, started,
                Optional.of(Differences.stored(report)), gap);
    }

    /** Counts the check, schedules the next or ends the watch, and redraws the status line. */
    private void afterCheck(WatchRecord w, Report report, Instant started, Optional<String> told,
            Optional<String> gap) {
        Watching.Plan plan = plan(w);
        Optional<String> end = Watching.endAfter(plan, started, report.verdict().status());
        WatchRecord after = w.afterRun(started, report.verdict().status().label(), Watching.next(plan, started)
                .orElse(plan.ends()), told, gap);
        if (end.isPresent()) {
            end(after, end.get());
        } else if (history.saveWatch(after)) {
            firstUnderWay.remove(w.id()); // recorded: the rounds may take it from here
            redraw(after);
        } else {
            LOG.warn("watch {}: its progress was not recorded (another bot holds it, or the database is away)",
                    w.id());
        }
    }

    /** Ends a watch: recorded, said in its thread, its status line final. */
    private void end(WatchRecord w, String reason) {
        WatchRecord ended = w.ended(reason);
        if (!history.saveWatch(ended)) {
            return; // another bot holds it now, or the database is away: the next round tries again
        }
        firstUnderWay.remove(w.id());
        LOG.info("watch {} ended: {}", w.id(), reason);
        if (ended.parentTs().isPresent()) {
            try {
                poster.post(w.channel(), w.threadTs().orElse(null), SlackRender.watchEnded(ended, reason));
            } catch (Poster.SlackError | RuntimeException e) {
                LOG.warn("watch {}: could not say it ended: {}", w.id(), e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            redraw(ended);
        }
    }

    private void redraw(WatchRecord w) {
        if (w.parentTs().isEmpty() || w.parentMessage().isEmpty()) {
            return;
        }
        try {
            poster.update(w.channel(), w.parentTs().get(), SlackRender.watchParent(w.parentMessage().get(), w,
                    clock.instant()));
        } catch (Poster.SlackError | RuntimeException e) {
            LOG.warn("watch {}: status line not updated: {}", w.id(), e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** One check for identical watches due together: the first runs it, the others take its report. */
    private Report sharedCheck(Invocation invocation, Instant now, Duration window) {
        Shared mine = new Shared(new CompletableFuture<>(), now);
        Shared s = shared.compute(invocation, (k, old) -> old != null && !old.report().isCompletedExceptionally()
                && Duration.between(old.started(), now).abs().compareTo(window) < 0 ? old : mine);
        if (s != mine) {
            return s.report().join();
        }
        try {
            Report r = checks.apply(invocation, Progress.NONE);
            mine.report().complete(r);
            return r;
        } catch (RuntimeException | LinkageError e) {
            mine.report().completeExceptionally(e);
            throw e;
        }
    }

    /** {@code watch stop <id>}: by its owner, or by anyone in its conversation. */
    String stop(String id, String user, String channel) {
        try {
            Optional<WatchRecord> w = history.watch(id);
            if (w.isEmpty()) {
                return ":grey_question: there is no watch `" + id + "`; `watch list` shows the live ones";
            }
            if (!w.get().live()) {
                return ":information_source: watch `" + id + "` has already ended";
            }
            if (!w.get().channel().equals(channel) && !w.get().requester().equals(user)) {
                return ":no_entry: watch `" + id + "` belongs to <#" + w.get().channel() + ">: stop it there, or ask <@"
                        + w.get().requester() + ">";
            }
            if (history.stopWatch(id, user).isEmpty()) {
                return ":information_source: watch `" + id + "` is already stopping";
            }
        } catch (HistoryException e) {
            return ":warning: the watch cannot be stopped right now: " + SlackRender.escape(e.getMessage());
        }
        Thread.ofVirtual().start(this::tick); // its holder says so in the thread; this bot may be it
        return ":octagonal_sign: stopping watch `" + id + "`; it says so in its thread";
    }

    /** {@code watch list [mine]}. */
    String list(String user, String channel, boolean mine) {
        try {
            return mine
                    ? SlackRender.watchList(history.liveWatches(Optional.empty(), Optional.of(user)), "Your watches",
                            clock.instant())
                    : SlackRender.watchList(history.liveWatches(Optional.of(channel), Optional.empty()),
                            "Watches in this conversation", clock.instant());
        } catch (HistoryException e) {
            return ":warning: the watches cannot be read right now: " + SlackRender.escape(e.getMessage());
        }
    }

    /**
     * Stops the rounds; checks under way get {@code grace}; then this bot lets go of its watches, so that another
     * takes them at its next round (or this one when it comes back).
     */
    void shutdown(Duration grace) {
        if (!shut.compareAndSet(false, true)) {
            return;
        }
        closing = true;
        if (loop != null) {
            loop.interrupt();
        }
        try {
            if (!lane.awaitIdle(grace)) {
                lane.cancelAll();
                lane.awaitIdle(Duration.ofSeconds(2));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        lane.close();
        history.releaseWatches();
    }

    @Override
    public void close() {
        shutdown(Duration.ZERO);
    }
}
