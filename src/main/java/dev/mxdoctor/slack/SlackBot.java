package dev.mxdoctor.slack;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.slack.api.Slack;
import com.slack.api.SlackConfig;
import com.slack.api.app_backend.interactive_components.payload.BlockActionPayload;
import com.slack.api.bolt.App;
import com.slack.api.bolt.AppConfig;
import com.slack.api.bolt.response.Response;
import com.slack.api.bolt.socket_mode.SocketModeApp;
import com.slack.api.model.event.AppHomeOpenedEvent;
import com.slack.api.model.event.AppMentionEvent;
import com.slack.api.model.event.MessageEvent;
import dev.mxdoctor.check.Progress;
import dev.mxdoctor.command.CommandParser;
import dev.mxdoctor.command.Invocation;
import dev.mxdoctor.command.Request;
import dev.mxdoctor.command.UsageException;
import dev.mxdoctor.history.History;
import dev.mxdoctor.history.HistoryException;
import dev.mxdoctor.history.RunSummary;
import dev.mxdoctor.ops.Metrics;
import dev.mxdoctor.report.Report;
import dev.mxdoctor.watch.WatchSettings;
import dev.mxdoctor.work.RateLimiter;
import dev.mxdoctor.work.WorkerPool;
import com.github.benmanes.caffeine.cache.Ticker;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Slack face of mxdoctor: the Bolt app with its slash commands ({@code /mx}, {@code /smtptest},
 * {@code /mxdoctor}), mentions in channels and threads, direct messages, buttons and the App Home tab. Every
 * handler parses with the same grammar as the CLI, hands the work to the worker pool and acknowledges at once.
 */
public final class SlackBot implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SlackBot.class);
    private static final Pattern LEADING_MENTION = Pattern.compile("^(\\s*<@[A-Z0-9]+(\\|[^>]*)?>\\s*)+");

    private final SlackSettings settings;
    private final App app;
    private final Poster poster;
    private final Runner runner;
    private final SlackWatches watches;
    private final WorkerPool pool;
    private final History history;
    private final CommandParser parser = new CommandParser();
    private final Cache<String, Boolean> seenEvents = Caffeine.newBuilder()
            .expireAfterWrite(Duration.ofMinutes(15)).maximumSize(100_000).build();
    private final Metrics metrics;
    private final Visibility visibility;
    private final RateLimiter perUser;
    private final RateLimiter perChannel;
    private @Nullable SocketModeApp socketMode;
    private @Nullable BotHttpServer http;
    private @Nullable BotHttpServer ops;
    /** When Slack last said anything on the Socket Mode connection (nanoTime), or answered a ping. */
    private final java.util.concurrent.atomic.AtomicLong lastFromSlack = new java.util.concurrent.atomic.AtomicLong(
            System.nanoTime());
    private volatile boolean socketOpen;
    private volatile boolean started;
    private @Nullable Thread maintenance;

    /**
     * @param checks runs a check (the engine); the bot knows nothing else of it
     * @param history where runs are recorded and event ids claimed (shared between replicas)
     * @param metrics where the bot's own measurements go; /metrics shows them
     */
    public SlackBot(SlackSettings settings, BiFunction<Invocation, Progress, Report> checks, History history,
            Metrics metrics) {
        this(settings, WatchSettings.DEFAULTS, checks, history, metrics, java.time.Clock.systemUTC());
    }

    /**
     * @param watches how watches may be asked for
     * @param clock the watches' clock (their schedule and status lines)
     */
    public SlackBot(SlackSettings settings, WatchSettings watches, BiFunction<Invocation, Progress, Report> checks,
            History history, Metrics metrics, java.time.Clock clock) {
        this.settings = settings;
        this.history = history;
        this.metrics = metrics;
        SlackConfig slackConfig = new SlackConfig();
        settings.apiUrl().ifPresent(url -> slackConfig.setMethodsEndpointUrlPrefix(url.endsWith("/") ? url
                : url + "/"));
        slackConfig.setPrettyResponseLoggingEnabled(false);
        Slack slack = Slack.getInstance(slackConfig);
        AppConfig.AppConfigBuilder config = AppConfig.builder().singleTeamBotToken(settings.botToken()).slack(slack);
        settings.signingSecret().ifPresent(config::signingSecret);
        this.app = new App(config.build());
        this.pool = new WorkerPool(settings.maxRunning(), settings.maxPerUser(), settings.maxQueued());
        this.poster = new Poster(slack, settings.botToken(), settings.postInterval(), metrics::slackCall);
        BiFunction<Invocation, Progress, Report> measuredChecks = measured(checks, metrics);
        this.runner = new Runner(poster, measuredChecks, pool, history, settings.docsUrl(),
                settings.queueNoticeAfter(), settings.checkingNoticeAfter());
        this.watches = new SlackWatches(watches, history, poster, runner, measuredChecks, clock);
        this.visibility = new Visibility(poster::conversationsOf);
        this.perUser = new RateLimiter(settings.perUserPerMinute(), Duration.ofMinutes(1), Ticker.systemTicker());
        this.perChannel = new RateLimiter(settings.perChannelPerMinute(), Duration.ofMinutes(1),
                Ticker.systemTicker());
        metrics.bindPool(pool);
        metrics.bindWatches(this.watches::held, this.watches.lane());
        metrics.bind(history);
        metrics.bindReadiness(() -> notReady().isEmpty());
        register();
    }

    /** The checks, counted and timed for /metrics. */
    private static BiFunction<Invocation, Progress, Report> measured(BiFunction<Invocation, Progress, Report> checks,
            Metrics metrics) {
        return (invocation, progress) -> {
            long start = System.nanoTime();
            try {
                Report report = checks.apply(invocation, progress);
                metrics.checkFinished(report, Duration.ofNanos(System.nanoTime() - start));
                return report;
            } catch (RuntimeException | LinkageError e) {
                metrics.checkFailed(invocation.request().command(), Duration.ofNanos(System.nanoTime() - start));
                throw e;
            }
        };
    }

    private void register() {
        app.command("/mx", (req, ctx) -> slash("mx", req.getPayload(), ctx));
        app.command("/smtptest", (req, ctx) -> slash("smtptest", req.getPayload(), ctx));
        app.command("/mxdoctor", (req, ctx) -> slash("", req.getPayload(), ctx));
        app.event(AppMentionEvent.class, (payload, ctx) -> {
            AppMentionEvent e = payload.getEvent();
            if (firstDelivery(payload.getEventId())) {
                // A mention at the top of a channel is answered in a thread under it, to keep channels tidy.
                String thread = e.getThreadTs() != null ? e.getThreadTs() : e.getTs();
                conversational(e.getText(), e.getUser(), e.getChannel(), thread);
            }
            return ctx.ack();
        });
        app.event(MessageEvent.class, (payload, ctx) -> {
            MessageEvent e = payload.getEvent();
            boolean direct = "im".equals(e.getChannelType()) && e.getBotId() == null && e.getSubtype() == null;
            if (direct && firstDelivery(payload.getEventId())) {
                conversational(e.getText(), e.getUser(), e.getChannel(), e.getThreadTs());
            }
            return ctx.ack();
        });
        app.event(AppHomeOpenedEvent.class, (payload, ctx) -> {
            String user = payload.getEvent().getUser();
            if ("home".equals(payload.getEvent().getTab())) {
                // The workspace's runs, as far as this viewer may see them: not from conversations they are not in.
                background(() -> poster.publishHome(user, SlackRender.home(history.latestOf(user, 15),
                        visibility.visible(history.latestQuietly(200), user)).toString()));
            }
            return ctx.ack();
        });
        app.blockAction("rerun", (req, ctx) -> {
            BlockActionPayload p = req.getPayload();
            String commandLine = p.getActions().get(0).getValue();
            String channel = p.getChannel().getId();
            String thread = p.getContainer().getThreadTs() != null ? p.getContainer().getThreadTs()
                    : p.getContainer().getMessageTs();
            start(commandLine, p.getUser().getId(), channel, thread, p.getResponseUrl(), false)
                    .ifPresent(problem -> background(() -> poster.ephemeral(channel, p.getUser().getId(), thread,
                            problem)));
            return ctx.ack();
        });
        app.blockAction("rerun_home", (req, ctx) -> {
            // From the App Home: "channel|thread|command". The new run goes where the old one was only for a member
            // of that conversation; anyone else (and a run from the command line) is answered in a direct message.
            // Asking Slack who is where takes a call: off the ack path.
            BlockActionPayload p = req.getPayload();
            String[] parts = p.getActions().get(0).getValue().split("\\|", 3);
            String user = p.getUser().getId();
            background(() -> {
                boolean there = !parts[0].isEmpty() && visibility.isMember(user, parts[0]);
                String channel = there ? parts[0] : user;
                String thread = there && !parts[1].isEmpty() ? parts[1] : null;
                Optional<String> problem = start(parts[2], user, channel, thread, null, false);
                if (problem.isPresent()) {
                    poster.ephemeral(channel, user, thread, problem.get());
                }
            });
            return ctx.ack();
        });
        app.blockAction("watch", (req, ctx) -> {
            // "Watch" under an answer: a watch of the same check, in that answer's thread.
            BlockActionPayload p = req.getPayload();
            String channel = p.getChannel().getId();
            String thread = p.getContainer().getThreadTs() != null ? p.getContainer().getThreadTs()
                    : p.getContainer().getMessageTs();
            start("watch " + p.getActions().get(0).getValue(), p.getUser().getId(), channel, thread,
                    p.getResponseUrl()).ifPresent(problem -> background(() -> poster.ephemeral(channel,
                    p.getUser().getId(), thread, problem)));
            return ctx.ack();
        });
        app.blockAction("watch_stop", (req, ctx) -> {
            BlockActionPayload p = req.getPayload();
            String channel = p.getChannel().getId();
            String user = p.getUser().getId();
            String thread = p.getContainer().getThreadTs();
            background(() -> poster.ephemeral(channel, user, thread, watches.stop(p.getActions().get(0).getValue(),
                    user, channel)));
            return ctx.ack();
        });
        app.blockAction("cancel", (req, ctx) -> {
            String runId = req.getPayload().getActions().get(0).getValue();
            boolean cancelled = pool.cancel(runId);
            LOG.info("run {} cancel requested by {}: {}", runId, req.getPayload().getUser().getId(),
                    cancelled ? "cancelling" : "already finished");
            return ctx.ack();
        });
    }

    /** A slash command: usage problems and help are answered privately in the ack itself. */
    private Response slash(String command, com.slack.api.app_backend.slash_commands.payload.SlashCommandPayload p,
            com.slack.api.bolt.context.builtin.SlashCommandContext ctx) {
        String text = p.getText() == null ? "" : p.getText().strip();
        String commandLine = command.isEmpty() ? (text.isEmpty() ? "help" : text) : command + " " + text;
        Optional<String> problem = start(commandLine, p.getUserId(), p.getChannelId(), null, p.getResponseUrl());
        return problem.map(ctx::ack).orElseGet(ctx::ack);
    }

    /** A mention or direct message: problems go back as an ephemeral message in the same place. */
    private void conversational(@Nullable String rawText, String user, String channel, @Nullable String thread) {
        String commandLine = LEADING_MENTION.matcher(rawText == null ? "" : rawText).replaceFirst("").strip();
        if (commandLine.isEmpty()) {
            commandLine = "help";
        }
        start(commandLine, user, channel, thread, null)
                .ifPresent(problem -> background(() -> poster.ephemeral(channel, user, thread, problem)));
    }

    /**
     * Parses and submits a run. Returns what to tell the user privately instead: a usage error, help, or why the
     * run was refused; empty when the run was accepted.
     */
    Optional<String> start(String commandLine, String user, String channel, @Nullable String thread,
            @Nullable String responseUrl) {
        return start(commandLine, user, channel, thread, responseUrl, true);
    }

    /** As above; {@code shareable} false for a Re-run, which asks for a run of its own. */
    Optional<String> start(String commandLine, String user, String channel, @Nullable String thread,
            @Nullable String responseUrl, boolean shareable) {
        Invocation invocation;
        try {
            invocation = parser.parse(commandLine);
        } catch (UsageException e) {
            return Optional.of(SlackRender.usageError(e.getMessage(), e.usage()));
        }
        if (invocation.request() instanceof Request.Help h) {
            return Optional.of(SlackRender.help(h.topic().orElse(null)));
        }
        Optional<String> refused = settings.access().refusal(user, channel, invocation.request());
        if (refused.isPresent()) {
            return Optional.of(":no_entry: " + refused.get());
        }
        if (!(invocation.request() instanceof Request.History || invocation.request() instanceof Request.WatchList
                || invocation.request() instanceof Request.WatchStop)) {
            Optional<String> limited = rateLimit(user, channel);
            if (limited.isPresent()) {
                return limited;
            }
        }
        if (invocation.request() instanceof Request.WatchList l) {
            background(() -> answerPrivately(channel, user, thread, responseUrl, watches.list(user, channel,
                    l.mine())));
            return Optional.empty();
        }
        if (invocation.request() instanceof Request.WatchStop stop) {
            background(() -> answerPrivately(channel, user, thread, responseUrl, watches.stop(stop.id(), user,
                    channel)));
            return Optional.empty();
        }
        if (invocation.request() instanceof Request.Watch w) {
            if (runner.stopping()) {
                return Optional.of(":hourglass: mxdoctor is restarting; ask again in a minute");
            }
            // Counting and storing the watch asks the database: off the ack path, a refusal said privately.
            background(() -> {
                Optional<String> problem = watches.start(w, user, channel, thread, responseUrl);
                if (problem.isPresent()) {
                    answerPrivately(channel, user, thread, responseUrl, problem.get());
                }
            });
            return Optional.empty();
        }
        if (invocation.request() instanceof Request.History h) {
            // Read off the ack path: the database may be slow, the ack may not.
            background(() -> answerPrivately(channel, user, thread, responseUrl, historyAnswer(h, user)));
            return Optional.empty();
        }
        if (runner.stopping()) {
            return Optional.of(":hourglass: mxdoctor is restarting; ask again in a minute");
        }
        Runner.Spec spec = new Runner.Spec(Runner.newRunId(), commandLine.strip(), invocation, user, channel, thread,
                responseUrl, null, shareable);
        try {
            runner.submit(spec);
            return Optional.empty();
        } catch (WorkerPool.Rejected e) {
            return Optional.of(":hand: " + e.getMessage());
        }
    }

    /** The runs {@code user} may see: their own and those from conversations they are in. */
    private String historyAnswer(Request.History h, String user) {
        try {
            // Read more than asked, since some may not be for this person's eyes.
            List<RunSummary> runs = visibility.visible(history.latest(h.domain().map(d -> d.ascii()), h.code(),
                    Math.min(1000, h.limit() * 5)), user);
            return SlackRender.history(runs.subList(0, Math.min(h.limit(), runs.size())));
        } catch (HistoryException e) {
            return ":warning: the history cannot be read right now: " + SlackRender.escape(e.getMessage());
        }
    }

    /** Only the asker sees it: through the command's response_url when there is one. */
    private void answerPrivately(String channel, String user, @Nullable String thread, @Nullable String responseUrl,
            String text)
            throws Exception {
        if (responseUrl != null) {
            poster.respond(responseUrl, SlackRender.note(text), false);
        } else {
            poster.ephemeral(channel, user, thread, text);
        }
    }

    /** Counts a check against its asker's and its channel's rate; says when the next is possible when over. */
    private Optional<String> rateLimit(String user, String channel) {
        Optional<Duration> wait = perUser.tryAcquire(user);
        if (wait.isPresent()) {
            return Optional.of(":hourglass: you have started " + settings.perUserPerMinute() + " checks in the last "
                    + "minute; the next is possible in " + seconds(wait.get()) + " (MXDOCTOR_RATE_PER_USER)");
        }
        wait = perChannel.tryAcquire(channel);
        if (wait.isPresent()) {
            return Optional.of(":hourglass: this channel has started " + settings.perChannelPerMinute() + " checks in "
                    + "the last minute; the next is possible in " + seconds(wait.get()) + " (MXDOCTOR_RATE_PER_CHANNEL)");
        }
        return Optional.empty();
    }

    private static String seconds(Duration d) {
        return Math.max(1, (d.toMillis() + 999) / 1000) + " s";
    }

    /**
     * Slack redelivers events it thinks were lost (and each delivery may reach another replica); the event id,
     * claimed in the shared database, says whether this one was already handled. Not by dropping every retry: the
     * first delivery may never have arrived.
     */
    private boolean firstDelivery(String eventId) {
        if (eventId == null) {
            return true;
        }
        return history.claimEvent(eventId, id -> seenEvents.asMap().putIfAbsent(id, Boolean.TRUE) == null);
    }

    @FunctionalInterface
    private interface SlackCall {
        void run() throws Exception;
    }

    private static void background(SlackCall call) {
        Thread.ofVirtual().start(() -> {
            try {
                call.run();
            } catch (Exception e) {
                LOG.warn("Slack call failed: {}", e.getMessage());
            }
        });
    }

    /**
     * Connects: Socket Mode when an app token is set, otherwise serves HTTP on MXDOCTOR_HTTP_PORT. The operations
     * endpoints (/healthz, /readyz, /metrics) are served in both modes: on MXDOCTOR_OPS_PORT when it is set, else on
     * MXDOCTOR_HTTP_PORT (beside the events in HTTP mode). Runs whose process stopped are marked interrupted and
     * their threads told; old runs are purged.
     */
    public void start(Duration keepHistory) throws Exception {
        history.awaitOpen(Duration.ofSeconds(5)); // only a newer schema stops start-up; a database down does not
        maintenance = Thread.ofVirtual().name("history-maintenance").start(() -> maintain(keepHistory));
        BotHttpServer.Operations operations = new BotHttpServer.Operations() {
            @Override
            public Optional<String> notReady() {
                return SlackBot.this.notReady();
            }

            @Override
            public String metrics() {
                return metrics.scrape();
            }
        };
        // Port 0 (any free port) asked for twice still means two servers.
        boolean separateOps = settings.opsPort().isPresent() && (settings.opsPort().getAsInt() != settings.httpPort()
                || settings.httpPort() == 0);
        if (settings.socketMode()) {
            socketMode = new SocketModeApp(settings.appToken().orElseThrow(), app, 20);
            socketMode.startAsync(); // connects before it returns, or throws
            socketOpen = true;
            lastFromSlack.set(System.nanoTime());
            var client = socketMode.getClient();
            EnvelopeDispatch.install(client);
            client.addWebSocketMessageListener(message -> {
                lastFromSlack.set(System.nanoTime());
                socketOpen = true;
            });
            client.addWebSocketCloseListener((code, reason) -> socketOpen = false);
            LOG.info("mxdoctor bot connected in Socket Mode");
            ops = new BotHttpServer(new InetSocketAddress(settings.opsPort().orElse(settings.httpPort())), null,
                    operations);
        } else {
            app.start();
            http = new BotHttpServer(new InetSocketAddress(settings.httpPort()), app, separateOps ? null
                    : operations);
            http.start();
            LOG.info("mxdoctor bot serving /slack/events on port {}", http.port());
            if (separateOps) {
                ops = new BotHttpServer(new InetSocketAddress(settings.opsPort().getAsInt()), null, operations);
            }
        }
        watches.start();
        if (ops != null) {
            ops.start();
            LOG.info("mxdoctor operations endpoints (/healthz, /readyz, /metrics) on port {}", ops.port());
        }
        started = true;
    }

    /**
     * Why the bot should not be sent work now, if it should not: stopping, not connected to Slack (in Socket Mode,
     * nothing heard from Slack within {@link #SLACK_SILENCE}, and a ping not answered), or the history unreachable.
     */
    Optional<String> notReady() {
        if (runner.stopping()) {
            return Optional.of("shutting down");
        }
        if (!started) {
            return Optional.of("starting");
        }
        if (socketMode != null) {
            boolean heard = System.nanoTime() - lastFromSlack.get() < SLACK_SILENCE.toNanos();
            if (!socketOpen || (!heard && !pingSlack())) {
                return Optional.of("not connected to Slack (Socket Mode)");
            }
        }
        return history.problem().map(p -> "history unreachable: " + p);
    }

    /** Slack says little to an idle app; a ping it answers counts as hearing from it. */
    private boolean pingSlack() {
        SocketModeApp s = socketMode;
        try {
            if (s != null && s.getClient().verifyConnection()) {
                lastFromSlack.set(System.nanoTime());
                return true;
            }
        } catch (RuntimeException e) {
            LOG.debug("Socket Mode ping failed: {}", e.toString());
        }
        return false;
    }

    /** How long Socket Mode may stay silent before readiness asks Slack with a ping. */
    static final Duration SLACK_SILENCE = Duration.ofMinutes(2);

    /**
     * Every {@link History#HEARTBEAT}: says this process is alive, and marks runs whose process is gone interrupted
     * (their threads told) — with several replicas, whichever notices first, once. Hourly, old runs are purged by
     * the one replica that holds the retention lease. The first round runs at start; a failure costs one round,
     * never the loop.
     */
    private void maintain(Duration keep) {
        long nextPurge = System.nanoTime();
        try {
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    history.heartbeat();
                    history.interruptAbandoned(Duration.ofMinutes(1)).forEach(this::tellInterrupted);
                    if (System.nanoTime() - nextPurge >= 0) {
                        nextPurge = System.nanoTime() + PURGE_EVERY.toNanos();
                        if (history.tryLease("retention", PURGE_EVERY.minusMinutes(5), Duration.ofMinutes(1))) {
                            int purged = history.purgeOlderThan(keep, Duration.ofMinutes(1));
                            if (purged > 0) {
                                LOG.info("history: purged {} runs older than {} days", purged, keep.toDays());
                            }
                        }
                    }
                } catch (RuntimeException e) {
                    LOG.warn("history maintenance failed, error id {}", dev.mxdoctor.report.ErrorId.next(), e);
                }
                Thread.sleep(History.HEARTBEAT); // a period, not a timing assumption
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static final Duration PURGE_EVERY = Duration.ofHours(1);

    private void tellInterrupted(RunSummary run) {
        if (run.channel().isEmpty()) {
            return;
        }
        try {
            poster.post(run.channel().get(), run.threadTs().orElse(null),
                    SlackRender.interrupted(run.command() + " " + run.query(), run.requester()));
        } catch (Exception e) {
            LOG.warn("could not tell {} that run {} was interrupted: {}", run.channel().get(), run.id(),
                    e.getMessage());
        }
    }

    /**
     * Process-wide settings of the JDK's HTTP server, to apply before any server is created: TCP_NODELAY, so that
     * an ack written as headers then body is not held back by Nagle's algorithm against the peer's delayed ACK
     * (about 40 ms per request otherwise).
     */
    public static void configureHttpServer() {
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    /** The HTTP port actually bound (for tests that ask for port 0). */
    public int httpPort() {
        return http == null ? -1 : http.port();
    }

    /** The operations port actually bound, when it is its own server (for tests that ask for port 0). */
    public int opsPort() {
        return ops == null ? httpPort() : ops.port();
    }

    /**
     * Stops gracefully (SIGTERM): readiness goes false and new work is refused; in Socket Mode the connection is
     * closed first, so that Slack sends new events to the other replicas' connections; running and queued checks
     * get {@code grace} to finish; what is left is interrupted (recorded so, its thread told, with a Re-run button);
     * then everything closes.
     */
    public void shutdown(Duration grace) {
        long deadline = System.nanoTime() + grace.toNanos();
        runner.stop();
        LOG.info("stopping: {} checks running, {} waiting; they get {} s", pool.running(), pool.queued(),
                grace.toSeconds());
        try {
            if (socketMode != null) {
                socketMode.getClient().setAutoReconnectEnabled(false);
                socketMode.getClient().disconnect();
            }
        } catch (Exception e) {
            LOG.warn("closing the Socket Mode connection: {}", e.getMessage());
        }
        watches.shutdown(Duration.ofNanos(Math.max(0, deadline - System.nanoTime()) * 9 / 10));
        boolean idle = false;
        try {
            // Nine tenths of the grace for the checks, the rest for the interrupted ones to say so.
            idle = pool.awaitIdle(Duration.ofNanos((deadline - System.nanoTime()) * 9 / 10));
            if (!idle) {
                LOG.warn("stopping: interrupting {} checks still running and {} waiting", pool.running(),
                        pool.queued());
                pool.cancelAll();
                idle = pool.awaitIdle(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        close();
        if (idle) {
            history.stopBeating(); // every run of this process is finished or marked: nothing left to watch for
        }
    }

    @Override
    public void close() {
        if (maintenance != null) {
            maintenance.interrupt();
        }
        watches.close();
        try {
            if (socketMode != null) {
                socketMode.stop();
            }
            if (http != null) {
                http.close();
            }
            if (ops != null) {
                ops.close();
            }
            app.stop();
        } catch (Exception e) {
            LOG.warn("stopping the bot: {}", e.getMessage());
        }
        pool.close();
    }

    /** The watches, for tests that drive their rounds with their own clock. */
    SlackWatches watches() {
        return watches;
    }

    /** Runs accepted since start. */
    int acceptedRuns() {
        return runner.accepted();
    }

}
