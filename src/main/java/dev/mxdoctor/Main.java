package dev.mxdoctor;

import dev.mxdoctor.check.Progress;
import dev.mxdoctor.command.CommandParser;
import dev.mxdoctor.command.Invocation;
import dev.mxdoctor.command.Request;
import dev.mxdoctor.command.Usage;
import dev.mxdoctor.command.UsageException;
import dev.mxdoctor.history.History;
import dev.mxdoctor.history.HistoryException;
import dev.mxdoctor.history.HistoryView;
import dev.mxdoctor.history.RunRecord;
import dev.mxdoctor.history.RunState;
import dev.mxdoctor.history.RunSummary;
import dev.mxdoctor.ops.Metrics;
import dev.mxdoctor.report.ErrorId;
import dev.mxdoctor.report.JsonReport;
import dev.mxdoctor.report.Report;
import dev.mxdoctor.report.TextReport;
import dev.mxdoctor.slack.SlackBot;
import dev.mxdoctor.slack.SlackSettings;
import dev.mxdoctor.training.TrainingLab;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import dev.mxdoctor.command.Durations;
import dev.mxdoctor.history.WatchRecord;
import dev.mxdoctor.watch.ForegroundWatch;
import dev.mxdoctor.watch.WatchSettings;
import dev.mxdoctor.watch.Watching;

/** The command line: {@code mxdoctor <command> [arguments]}. Exit status as in ARCHITECTURE.md. */
public final class Main {

    static final int EXIT_USAGE = 64;
    static final int EXIT_CONFIG = 78;
    static final int EXIT_INTERNAL = 70;

    private Main() {}

    public static void main(String[] args) {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        PrintStream err = new PrintStream(System.err, true, StandardCharsets.UTF_8);
        System.exit(run(args, System.getenv(), out, err, isTerminal()));
    }

    /**
     * Whether stdout is a terminal. From JDK 22 on, {@code System.console()} exists even when output is redirected;
     * {@code Console.isTerminal()} (JDK 22+) tells the truth, so ask it when it is there.
     */
    static boolean isTerminal() {
        java.io.Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            return (boolean) java.io.Console.class.getMethod("isTerminal").invoke(console);
        } catch (ReflectiveOperationException e) {
            return true; // JDK 21: a console exists only for a terminal
        }
    }

    /** Runs one command; returns the exit status. Nothing escapes it: an internal error is one line and 70. */
    static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err, boolean terminal) {
        List<String> words = new ArrayList<>(Arrays.asList(args));
        boolean debug = words.remove("--debug");
        try {
            return command(words, env, out, err, terminal, debug);
        } catch (RuntimeException | LinkageError e) {
            return internalError(e, err, debug);
        }
    }

    private static int command(List<String> words, Map<String, String> env, PrintStream out, PrintStream err,
            boolean terminal, boolean debug) {
        if (!words.isEmpty() && words.get(0).equals("bot")) {
            return bot(env, err);
        }
        if (!words.isEmpty() && words.get(0).equals("--aot-training")) {
            return aotTraining(env);
        }
        Invocation invocation;
        try {
            invocation = new CommandParser().parse(words);
        } catch (UsageException e) {
            err.println("mxdoctor: " + e.getMessage());
            err.println();
            err.println(e.usage());
            return EXIT_USAGE;
        }
        if (invocation.request() instanceof Request.Help help) {
            out.println(help.topic().map(Usage::of).orElse(Usage.all()));
            out.println(historyLocation(env));
            return 0;
        }
        Config config;
        try {
            config = Config.fromEnvironment(env);
        } catch (IllegalArgumentException e) {
            String.valueOf(e.getMessage()).lines().forEach(line -> err.println("mxdoctor: configuration: " + line));
            return EXIT_CONFIG;
        }
        Clock clock = Clock.systemUTC();
        Watching.@Nullable Plan plan = null;
        if (invocation.request() instanceof Request.Watch w) {
            SettingsReader reader = new SettingsReader(env);
            WatchSettings watchSettings = WatchSettings.read(reader);
            if (!reader.problems().isEmpty()) {
                reader.problems().forEach(p -> err.println("mxdoctor: configuration: " + p));
                return EXIT_CONFIG;
            }
            try {
                plan = Watching.plan(w, watchSettings, clock.instant());
            } catch (Watching.Refused e) {
                err.println("mxdoctor: " + e.getMessage());
                return EXIT_USAGE;
            }
        }
        // The CLI says in one line of its own when the history is not written; the details are for --debug. Quieted on
        // the history's own thread, where the history logs.
        Runnable quiet = debug ? () -> { } : () -> Logging.silence("dev.mxdoctor.history", "org.sqlite");
        History history = config.db().map(url -> History.open(url, clock, History.Budgets.DEFAULT, quiet))
                .orElseGet(() -> History.disabled(clock));
        // Ctrl-C ends a watch like its end time does: the last lines said, the history written, the last verdict's
        // status as the exit status.
        CountDownLatch finished = new CountDownLatch(1);
        AtomicInteger status = new AtomicInteger(EXIT_INTERNAL);
        @Nullable Thread stopper = plan == null ? null : stopOnSignal(Thread.currentThread(), finished, status);
        try {
            int code;
            if (invocation.request() instanceof Request.History h) {
                code = history(h, invocation.json(), history, out, err);
            } else if (invocation.request() instanceof Request.WatchList || invocation.request()
                    instanceof Request.WatchStop) {
                code = watches(invocation, history, out, err);
            } else {
                history.interruptAbandoned(Duration.ZERO); // runs of killed mxdoctor processes on this host
                code = invocation.request() instanceof Request.Watch w
                        ? watch(w, invocation.json(), java.util.Objects.requireNonNull(plan), config, clock, history,
                                out, err, terminal, env, ForegroundWatch.Sleeper.of(clock))
                        : check(invocation, config, clock, history, out, err, terminal, debug, env);
            }
            status.set(code);
            return code;
        } finally {
            int lost = history.closeAndCount();
            boolean recorded = invocation.request() instanceof Request.Mx || invocation.request()
                    instanceof Request.Dns || invocation.request() instanceof Request.SmtpTest;
            if (recorded && (lost > 0 || history.problem().isPresent())) {
                err.println("mxdoctor: note: this run is not in the history: "
                        + history.problem().orElse("the database did not answer in time"));
            }
            finished.countDown();
            if (stopper != null) {
                try {
                    Runtime.getRuntime().removeShutdownHook(stopper);
                } catch (IllegalStateException e) {
                    // already shutting down: the hook exits with this status
                }
            }
        }
    }

    /** A shutdown hook that interrupts the watch, waits for its last words, and exits with its status. */
    private static Thread stopOnSignal(Thread watching, CountDownLatch finished, AtomicInteger status) {
        Thread hook = new Thread(() -> {
            watching.interrupt();
            try {
                finished.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            Runtime.getRuntime().halt(status.get());
        }, "watch-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        return hook;
    }

    /**
     * {@code watch …} in the foreground: each check run and recorded like a single one, the first answer in full,
     * then only changes. Package-private with its sleeper, so that a test drives it with its own clock.
     */
    static int watch(Request.Watch w, boolean json, Watching.Plan plan, Config config, Clock clock, History history,
            PrintStream out, PrintStream err, boolean terminal, Map<String, String> env,
            ForegroundWatch.Sleeper sleeper) {
        boolean colour = terminal && env.get("NO_COLOR") == null && !"dumb".equals(env.get("TERM"));
        try (Engine engine = Engine.forCommandLine(config, clock)) {
            return new ForegroundWatch(clock, sleeper, out, err, new TextReport(colour)::render).run(w, json, plan,
                    check -> {
                        RunRecord record = RunRecord.local(UUID.randomUUID().toString().replace("-", ""),
                                System.getProperty("user.name", "cli"), check.request().command(),
                                check.request().query(), clock.instant());
                        History.Run run = history.begin(record);
                        try {
                            Report report = engine.run(check, Progress.NONE);
                            run.finish(report, RunState.DONE);
                            return report;
                        } catch (RuntimeException | LinkageError e) {
                            String id = ErrorId.next();
                            org.slf4j.LoggerFactory.getLogger(Main.class).error("watch: check failed, error id {}",
                                    id, e);
                            Report failed = Report.failed(record.command(), record.query(), record.started(),
                                    "internal error, error id " + id);
                            run.finish(failed, RunState.FAILED);
                            return failed;
                        }
                    });
        } catch (IllegalArgumentException e) {
            err.println("mxdoctor: configuration: " + e.getMessage());
            return EXIT_CONFIG;
        }
    }

    /** {@code watch list} and {@code watch stop} at the command line: the bots' watches, in the shared database. */
    private static int watches(Invocation invocation, History history, PrintStream out, PrintStream err) {
        String me = System.getProperty("user.name", "cli");
        try {
            if (invocation.request() instanceof Request.WatchStop stop) {
                Optional<WatchRecord> w = history.stopWatch(stop.id(), "cli:" + me);
                if (w.isEmpty()) {
                    err.println("mxdoctor: no live watch " + stop.id() + " (mxdoctor watch list shows them)");
                    return 1;
                }
                out.println("watch " + stop.id() + " stops at the next round of the bot that holds it, which says so "
                        + "in its thread");
                return 0;
            }
            List<WatchRecord> live = history.liveWatches(Optional.empty(), Optional.empty());
            if (invocation.json()) {
                com.google.gson.JsonArray a = new com.google.gson.JsonArray();
                for (WatchRecord w : live) {
                    com.google.gson.JsonObject o = new com.google.gson.JsonObject();
                    o.addProperty("id", w.id());
                    o.addProperty("check", w.commandLine());
                    o.addProperty("channel", w.channel());
                    o.addProperty("requester", w.requester());
                    o.addProperty("everySeconds", w.every().toSeconds());
                    o.addProperty("ends", w.ends().toString());
                    o.addProperty("untilOk", w.untilOk());
                    o.addProperty("state", w.state().label());
                    o.addProperty("checks", w.runs());
                    w.lastStatus().ifPresent(st -> o.addProperty("lastStatus", st));
                    a.add(o);
                }
                out.println(JsonReport.pretty(a));
            } else if (live.isEmpty()) {
                out.println("No watches are running. (At a terminal, mxdoctor watch <check> runs one in the "
                        + "foreground.)");
            } else {
                for (WatchRecord w : live) {
                    out.printf("%-9s %-40s every %-5s until %s UTC  %s  %d checks%s  (%s, by %s)%n", w.id(),
                            w.commandLine(), Durations.format(w.every()), Watching.hhmm(w.ends()), w.state().label(),
                            w.runs(), w.lastStatus().map(st -> ", last " + st).orElse(""), w.channel(),
                            w.requester());
                }
            }
            return 0;
        } catch (HistoryException e) {
            err.println("mxdoctor: " + e.getMessage());
            return 3;
        }
    }

    /** A check: run it, record it, print it. */
    private static int check(Invocation invocation, Config config, Clock clock, History history, PrintStream out,
            PrintStream err, boolean terminal, boolean debug, Map<String, String> env) {
        boolean colour = terminal && env.get("NO_COLOR") == null && !"dumb".equals(env.get("TERM"));
        Progress progress = terminal ? new TerminalProgress(err) : Progress.NONE;
        RunRecord record = RunRecord.local(UUID.randomUUID().toString().replace("-", ""),
                System.getProperty("user.name", "cli"), invocation.request().command(), invocation.request().query(),
                clock.instant());
        Engine engine;
        try {
            engine = Engine.forCommandLine(config, clock);
        } catch (IllegalArgumentException e) {
            err.println("mxdoctor: configuration: " + e.getMessage());
            return EXIT_CONFIG;
        }
        History.Run run = history.begin(record);
        Report report;
        try (engine) {
            report = engine.run(invocation, progress);
        } catch (RuntimeException | LinkageError e) {
            // A bug, not a finding: keep the run in the history as failed, with the id that finds it in the log.
            String id = ErrorId.next();
            run.finish(Report.failed(record.command(), record.query(), record.started(), "error id " + id),
                    RunState.FAILED);
            return internalError(id, e, err, debug);
        } finally {
            if (progress instanceof TerminalProgress p) {
                p.clear();
            }
        }
        if (invocation.json()) {
            out.println(JsonReport.render(report, run.finish(report, RunState.DONE)));
        } else {
            // The answer first; what changed (which needs the history) after it.
            out.print(new TextReport(colour).render(report));
            out.flush();
            List<String> changes = run.finish(report, RunState.DONE);
            if (!changes.isEmpty()) {
                out.println("Changes since the previous run of " + report.command() + " " + report.query() + ":");
                changes.forEach(c -> out.println("  - " + c));
            }
        }
        return report.verdict().status().exitCode();
    }

    /**
     * The workload the launcher records a class-data cache from (scripts only, not for people): each check from
     * parsing to printing and recording, text and JSON, against a name server and a mail server of its own on loopback
     * ({@link TrainingLab}) and the history the launcher points it at (a throw-away file).
     */
    private static int aotTraining(Map<String, String> env) {
        PrintStream sink = new PrintStream(java.io.OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8);
        Path scratch;
        try {
            scratch = Files.createTempDirectory("mxdoctor-training");
        } catch (IOException e) {
            return EXIT_INTERNAL;
        }
        try (TrainingLab lab = TrainingLab.start(scratch)) {
            Map<String, String> training = new HashMap<>(env);
            training.putAll(lab.settings());
            for (String command : TrainingLab.commands()) {
                List<String> words = new ArrayList<>(Arrays.asList(command.split(" ")));
                command(words, training, sink, sink, false, false);
                words.add("--json");
                command(words, training, sink, sink, false, false);
            }
            return 0;
        } catch (IOException e) {
            return EXIT_INTERNAL;
        } finally {
            try (java.util.stream.Stream<Path> files = Files.list(scratch)) {
                files.forEach(f -> f.toFile().delete());
                Files.delete(scratch);
            } catch (IOException e) {
                // a temporary directory left behind
            }
        }
    }

    private static int internalError(Throwable e, PrintStream err, boolean debug) {
        return internalError(ErrorId.next(), e, err, debug);
    }

    /** One line with the error id; the trace only with --debug. */
    private static int internalError(String id, Throwable e, PrintStream err, boolean debug) {
        err.println("mxdoctor: internal error (error id " + id + "): " + e.getClass().getSimpleName()
                + (e.getMessage() == null ? "" : ": " + e.getMessage().lines().findFirst().orElse(""))
                + (debug ? "" : " (run again with --debug for details)"));
        if (debug) {
            e.printStackTrace(err);
        }
        return EXIT_INTERNAL;
    }

    /** Where the history is, for help. */
    static String historyLocation(Map<String, String> env) {
        try {
            return Config.db(env).map(url -> "History: " + SettingsReader.maskUrl(url)
                    + " (set MXDOCTOR_DB to move it, MXDOCTOR_DB=none to keep none)")
                    .orElse("History: off (MXDOCTOR_DB=none)");
        } catch (IllegalArgumentException e) {
            return "History: " + e.getMessage();
        }
    }

    /** {@code history}: the latest runs from the database this machine is configured for. */
    private static int history(Request.History h, boolean json, History history, PrintStream out, PrintStream err) {
        try {
            List<RunSummary> runs = history.latest(h.domain().map(d -> d.ascii()), h.code(), h.limit());
            out.print(json ? HistoryView.json(runs) + "\n" : HistoryView.text(runs));
            return 0;
        } catch (HistoryException e) {
            err.println("mxdoctor: " + e.getMessage());
            return 3;
        }
    }

    /** {@code mxdoctor bot}: runs the Slack bot until the process is stopped. */
    static int bot(Map<String, String> env, PrintStream err) {
        SlackBot.configureHttpServer();
        // Every setting is checked before anything starts, and every problem said at once.
        SettingsReader reader = new SettingsReader(env);
        Config config = Config.read(reader, env);
        SlackSettings slack = SlackSettings.read(reader);
        WatchSettings watches = WatchSettings.read(reader);
        Logging.check(reader);
        if (!reader.problems().isEmpty()) {
            err.println("mxdoctor: the bot cannot start; its configuration has " + reader.problems().size()
                    + (reader.problems().size() == 1 ? " problem:" : " problems:"));
            reader.problems().forEach(p -> err.println("  - " + p));
            return EXIT_CONFIG;
        }
        java.util.SortedMap<String, String> effective = new java.util.TreeMap<>(config.effective());
        effective.putAll(slack.effective());
        effective.putAll(watches.effective());
        org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(Main.class);
        log.info("configuration: {}", effective);
        reader.unknown().forEach(log::warn);
        Engine engine = new Engine(config, Clock.systemUTC());
        History history = config.db().map(url -> History.open(url, Clock.systemUTC(), History.Budgets.DEFAULT))
                .orElseGet(() -> History.disabled(Clock.systemUTC()));
        Metrics metrics = new Metrics();
        metrics.bind(engine);
        SlackBot bot = new SlackBot(slack, watches, engine::run, history, metrics, Clock.systemUTC());
        // SIGTERM: readiness off, no new work, running checks get the grace, the rest are told; then the exit.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            bot.shutdown(slack.shutdownGrace());
            engine.close();
            history.close();
            org.slf4j.LoggerFactory.getLogger(Main.class).info("stopped");
        }, "shutdown"));
        try {
            bot.start(Duration.ofDays(config.historyDays()));
            Thread.currentThread().join(); // the bot runs on its own threads until the process is stopped
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        } catch (HistoryException e) {
            err.println("mxdoctor: the bot could not start: " + e.getMessage());
            return EXIT_CONFIG;
        } catch (Exception e) {
            err.println("mxdoctor: the bot could not start: " + e.getMessage());
            return 1;
        }
    }

    /** One self-overwriting progress line on stderr. */
    private static final class TerminalProgress implements Progress {
        private final PrintStream err;

        TerminalProgress(PrintStream err) {
            this.err = err;
        }

        @Override
        public synchronized void update(String message) {
            err.print("\r\u001b[K" + message);
            err.flush();
        }

        synchronized void clear() {
            err.print("\r\u001b[K");
            err.flush();
        }
    }
}
