package dev.mxdoctor.slack;

import dev.mxdoctor.check.Progress;
import dev.mxdoctor.command.Invocation;
import dev.mxdoctor.report.Report;
import dev.mxdoctor.history.History;
import dev.mxdoctor.history.RunRecord;
import dev.mxdoctor.history.RunState;
import dev.mxdoctor.report.ErrorId;
import dev.mxdoctor.work.WorkerPool;
import dev.mxdoctor.command.Request;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Optional;
import java.util.List;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BiFunction;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one check for Slack: posts a short parent message once the check has taken a moment (an answer ready sooner
 * is posted as it is), keeps it current (at most once a second), replaces it with the summary, and puts findings and
 * transcript into its thread. Where the bot may not post, answers through the command's response_url and says how to
 * invite it. Internal errors become a short message with an error id.
 */
final class Runner {

    private static final Logger LOG = LoggerFactory.getLogger(Runner.class);
    static final long PROGRESS_INTERVAL_NANOS = 1_000_000_000L;

    /**
     * One run: what was asked, by whom, and where the answer goes.
     *
     * @param shareable whether it may share an identical run already in flight (not for a Re-run: that asks anew)
     */
    record Spec(String runId, String commandLine, Invocation invocation, String user, String channel,
            @Nullable String threadTs, @Nullable String responseUrl, @Nullable String workspace, boolean shareable,
            @Nullable Delivered delivered) {
        Spec(String runId, String commandLine, Invocation invocation, String user, String channel,
                @Nullable String threadTs, @Nullable String responseUrl, @Nullable String workspace,
                boolean shareable) {
            this(runId, commandLine, invocation, user, channel, threadTs, responseUrl, workspace, shareable, null);
        }
    }

    /** Told when a run's answer is out (a watch's first run): the summary's message, or null when none was posted. */
    @FunctionalInterface
    interface Delivered {
        void delivered(Report report, @Nullable Posted posted);
    }

    /** A run's summary as posted in the conversation. */
    record Posted(String ts, SlackRender.Message summary) {}

    /** Runs in flight that an identical request may share: the same request, cache bypassed or not. */
    private record SharedKey(Request request, boolean fresh) {}

    private record SharedRun(CompletableFuture<Report> report, String user, Instant started) {}

    private final ConcurrentHashMap<SharedKey, SharedRun> inFlight = new ConcurrentHashMap<>();

    /** The report of a shared run, as if this thread had run it (its failure is this run's failure). */
    private static Report join(CompletableFuture<Report> report) {
        try {
            return report.join();
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof LinkageError l) {
                throw l;
            }
            throw e;
        }
    }

    private final Poster poster;
    private final Duration queueNoticeAfter;
    private final Duration checkingNoticeAfter;
    private final BiFunction<Invocation, Progress, Report> checks;
    private final WorkerPool pool;
    private final History history;
    private final String docs;
    private final java.util.concurrent.atomic.AtomicInteger accepted = new java.util.concurrent.atomic.AtomicInteger();
    /** Set when the process is shutting down: runs cut short now were interrupted, not cancelled by someone. */
    private volatile boolean stopping;

    /**
     * @param queueNoticeAfter how long a run waits for a place before its message says it is queued
     * @param checkingNoticeAfter how long after the command a run's message says "Checking…" if the answer is not
     *     out by then: most answers come within a second, and a placeholder replaced at once is only noise in the
     *     channel and one more Web API call (one of the three a quick command made)
     */
    Runner(Poster poster, BiFunction<Invocation, Progress, Report> checks, WorkerPool pool, History history,
            String docs, Duration queueNoticeAfter, Duration checkingNoticeAfter) {
        this.queueNoticeAfter = queueNoticeAfter;
        this.checkingNoticeAfter = checkingNoticeAfter;
        this.poster = poster;
        this.checks = checks;
        this.pool = pool;
        this.history = history;
        this.docs = docs;
    }

    /** From now on a run that ends early was interrupted by the shutdown. */
    void stop() {
        stopping = true;
    }

    boolean stopping() {
        return stopping;
    }

    static String newRunId() {
        return HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
    }

    /** Submits the run; throws (with the reason for the user) when the pool refuses it. */
    void submit(Spec spec) throws WorkerPool.Rejected {
        submit(spec, pool);
    }

    /** Submits the run to {@code lane}: the people's pool, or the watches' own. */
    void submit(Spec spec, WorkerPool lane) throws WorkerPool.Rejected {
        QueueNotice notice = new QueueNotice(spec);
        lane.submit(spec.runId(), spec.user(), new WorkerPool.Job() {
            @Override
            public void run() {
                execute(spec, notice.start(), notice.queuedAt);
            }

            @Override
            public void queued(int ahead) {
                notice.update(ahead);
            }

            @Override
            public void cancelledBeforeStart() {
                if (stopping) {
                    notice.interruptedByShutdown();
                } else {
                    LOG.info("run {} cancelled before it started", spec.runId());
                    notice.cancelled();
                }
            }
        });
        accepted.incrementAndGet();
    }

    /**
     * The parent message of a run that waits for a place: "queued, 3 checks ahead of yours", posted once the run has
     * waited MXDOCTOR_QUEUE_NOTICE_MS (a run that starts sooner goes straight to "Checking…", without a queue message
     * flashing by, and a burst of commands does not double its Web API calls), kept current (at most every
     * {@value #QUEUE_UPDATE_SECONDS} s) off the caller's thread, and handed to the run when it starts.
     */
    private final class QueueNotice {
        static final int QUEUE_UPDATE_SECONDS = 2;
        private final Spec spec;
        private final long queuedAt = System.nanoTime();
        private final java.util.concurrent.locks.ReentrantLock lock = new java.util.concurrent.locks.ReentrantLock();
        private final java.util.concurrent.atomic.AtomicBoolean noticeOnItsWay =
                new java.util.concurrent.atomic.AtomicBoolean();
        private volatile int ahead;
        private volatile @Nullable String parentTs;
        private boolean started;
        private long lastUpdate;

        QueueNotice(Spec spec) {
            this.spec = spec;
        }

        void update(int ahead) {
            this.ahead = ahead;
            if (parentTs == null && !noticeOnItsWay.compareAndSet(false, true)) {
                return; // the first notice is on its way and will show the latest position
            }
            Thread.ofVirtual().start(() -> {
                long wait = queueNoticeAfter.toNanos() - (System.nanoTime() - queuedAt);
                try {
                    if (wait > 0) {
                        Thread.sleep(java.time.Duration.ofNanos(wait));
                    }
                } catch (InterruptedException e) {
                    return;
                }
                lock.lock();
                try {
                    long now = System.nanoTime();
                    String shown = parentTs;
                    if (started || (shown != null && now - lastUpdate < QUEUE_UPDATE_SECONDS * 1_000_000_000L)) {
                        return;
                    }
                    int position = this.ahead;
                    SlackRender.Message m = SlackRender.running(spec.commandLine(), position == 0
                            ? "Queued: yours is next…" : "Queued: " + position + " check" + (position == 1 ? "" : "s")
                            + " ahead of yours…", spec.user(), spec.runId());
                    if (shown == null) {
                        parentTs = poster.post(spec.channel(), spec.threadTs(), m);
                    } else {
                        poster.update(spec.channel(), shown, m);
                    }
                    lastUpdate = now;
                } catch (Poster.SlackError | RuntimeException e) {
                    LOG.warn("run {}: queue position not shown: {}", spec.runId(), e.getMessage());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    lock.unlock();
                }
            });
        }

        /** The run starts: no more queue updates; its message, if one was posted. */
        Optional<String> start() {
            lock.lock();
            try {
                started = true;
                return Optional.ofNullable(parentTs);
            } finally {
                lock.unlock();
            }
        }

        /**
         * The process stops before this run could start: recorded as interrupted (nothing is lost) and the asker
         * told, with a Re-run button, in the queued message or where the answer would have gone.
         */
        void interruptedByShutdown() {
            Optional<String> ts = start();
            RunRecord record = record(spec);
            history.begin(record).finish(Report.failed(record.command(), record.query(), record.started(),
                    "mxdoctor stopped before the check started"), RunState.INTERRUPTED);
            SlackRender.Message m = SlackRender.interrupted(spec.commandLine(), spec.user());
            try {
                if (ts.isPresent()) {
                    poster.update(spec.channel(), ts.get(), m);
                } else {
                    poster.post(spec.channel(), spec.threadTs(), m);
                }
            } catch (Poster.SlackError | RuntimeException e) {
                LOG.warn("run {}: could not say it was interrupted: {}", spec.runId(), e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        void cancelled() {
            Optional<String> ts = start();
            ts.ifPresent(t -> {
                try {
                    poster.update(spec.channel(), t, SlackRender.note(":no_entry_sign: `"
                            + SlackRender.escape(spec.commandLine()) + "` was cancelled before it started."));
                } catch (Poster.SlackError | RuntimeException e) {
                    LOG.warn("run {}: could not say it was cancelled: {}", spec.runId(), e.getMessage());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }
    }

    /** How many runs were accepted since start (for tests and metrics). */
    int accepted() {
        return accepted.get();
    }

    /**
     * @param queuedMessage the message that said it was queued, if one was posted
     * @param askedAt when the command came ({@link System#nanoTime()}): the "Checking…" notice counts from there
     */
    void execute(Spec spec, Optional<String> queuedMessage, long askedAt) {
        try (org.slf4j.MDC.MDCCloseable context = org.slf4j.MDC.putCloseable(dev.mxdoctor.Logging.RUN,
                spec.runId())) {
            executeLogged(spec, queuedMessage, askedAt);
        }
    }

    private static RunRecord record(Spec spec) {
        return new RunRecord(spec.runId(), Optional.ofNullable(spec.workspace()), Optional.of(spec.channel()),
                Optional.ofNullable(spec.threadTs()), spec.user(), spec.invocation().request().command(),
                spec.invocation().request().query(), Instant.now());
    }

    /** Where the run's first message went: its ts in the channel, or the response_url when the bot cannot post. */
    private record FirstPost(@Nullable String parentTs, boolean viaResponseUrl) {
        /** No message yet: the answer will be the run's first (or the first post failed). */
        static final FirstPost NONE = new FirstPost(null, false);
    }

    private void executeLogged(Spec spec, Optional<String> queuedMessage, long askedAt) {
        RunRecord record = record(spec);
        History.Run run = history.begin(record); // before anything is posted: a Slack outage loses no history
        // The first message goes on its own thread, beside the check: with many commands at once, Slack's answer to
        // the post can take as long as the check itself, and the check does not need it (progress waits for it, the
        // answer joins it). It waits until the run has taken MXDOCTOR_CHECKING_NOTICE_MS, unless the answer is out.
        java.util.Map<String, String> context = org.slf4j.MDC.getCopyOfContextMap();
        CompletableFuture<FirstPost> posting = new CompletableFuture<>();
        CompletableFuture<Void> checked = new CompletableFuture<>();
        Thread.ofVirtual().name("first-post-" + spec.runId()).start(() -> {
            if (context != null) {
                org.slf4j.MDC.setContextMap(context);
            }
            long wait = checkingNoticeAfter.toNanos() - (System.nanoTime() - askedAt);
            if (queuedMessage.isEmpty() && wait > 0) {
                try {
                    checked.get(wait, java.util.concurrent.TimeUnit.NANOSECONDS);
                    posting.complete(FirstPost.NONE); // the answer is out first: it is the run's message
                    return;
                } catch (java.util.concurrent.TimeoutException e) {
                    // still checking: say so
                } catch (InterruptedException | java.util.concurrent.ExecutionException e) {
                    posting.complete(FirstPost.NONE);
                    return;
                }
            }
            posting.complete(postFirst(spec, queuedMessage));
        });
        Progress progress = throttled(spec, posting);
        Report report;
        RunState state;
        Optional<String> sharedWith = Optional.empty();
        try {
            SharedRun mine = new SharedRun(new CompletableFuture<>(), spec.user(), Instant.now());
            SharedKey key = new SharedKey(spec.invocation().request(), spec.invocation().fresh());
            SharedRun earlier = spec.shareable() ? inFlight.putIfAbsent(key, mine) : null;
            if (earlier != null) {
                // The same check is already running for someone: one run, both answered, each in their own message.
                long ago = Duration.between(earlier.started(), Instant.now()).toSeconds();
                sharedWith = Optional.of("same check started " + ago + " s ago by <@" + earlier.user()
                        + ">; one run answered both");
                progress.update("The same check is already running (started " + ago + " s ago); waiting for it…");
                report = join(earlier.report());
            } else {
                try {
                    report = checks.apply(spec.invocation(), progress);
                    mine.report().complete(report);
                } catch (RuntimeException | LinkageError e) {
                    mine.report().completeExceptionally(e);
                    throw e;
                } finally {
                    inFlight.remove(key, mine);
                }
            }
            boolean interrupted = Thread.interrupted(); // clear it: the answer must still reach Slack
            boolean cut = pool.isCancelled(spec.runId()) || interrupted;
            state = !cut ? RunState.DONE : stopping ? RunState.INTERRUPTED : RunState.CANCELLED;
        } catch (RuntimeException | LinkageError e) {
            String id = ErrorId.next();
            LOG.error("run {} ({}) failed, error id {}", spec.runId(), spec.commandLine(), id, e);
            run.finish(Report.failed(record.command(), record.query(), record.started(), "error id " + id),
                    RunState.FAILED);
            checked.complete(null);
            FirstPost first = join(posting, spec);
            reportInternalError(spec, first.parentTs(), first.viaResponseUrl(), id);
            return;
        }
        checked.complete(null);
        FirstPost first = join(posting, spec);
        String parentTs = first.parentTs();
        boolean viaResponseUrl = first.viaResponseUrl();
        List<String> changes = run.finish(report, state);
        // One line a run, for whoever reads the logs: who asked what, where, and what came of it.
        LOG.info("{} asked by {} in {}: {} ({}, {} ms{})", spec.commandLine(), spec.user(), spec.channel(),
                report.verdict().status().label(), state.label(), report.elapsedMs(),
                sharedWith.isPresent() ? ", shared" : "");
        Posted posted = deliver(spec, report, state, changes, sharedWith, parentTs, viaResponseUrl);
        if (spec.delivered() != null) {
            try {
                spec.delivered().delivered(report, posted);
            } catch (RuntimeException e) {
                LOG.warn("run {}: after delivery, error id {}", spec.runId(), ErrorId.next(), e);
            }
        }
    }

    /**
     * Posts the answer: the summary in place of the parent message, then findings and transcript in its thread. A
     * thread reply that fails costs that reply (and a note), never the summary already posted. Returns the summary as
     * posted, or null when it could not be posted in the conversation.
     */
    private @Nullable Posted deliver(Spec spec, Report report, RunState state, List<String> changes, Optional<String> sharedWith,
            @Nullable String parentTs, boolean viaResponseUrl) {
        String note = switch (state) {
            case CANCELLED -> "cancelled: this is what was seen before";
            case INTERRUPTED -> "interrupted: mxdoctor was stopping; this is what was seen before";
            default -> sharedWith.orElse("");
        };
        if (history.problem().isPresent()) {
            note = (note.isEmpty() ? "" : note + " · ") + "not in the history (database unavailable)";
        }
        try {
            List<SlackRender.Message> thread = SlackRender.thread(report, docs);
            SlackRender.Message summary = SlackRender.summary(report, spec.commandLine(), spec.user(), note, docs,
                    changes);
            if (viaResponseUrl) {
                answerThroughResponseUrl(spec, report, thread, changes);
                return null;
            }
            if (parentTs == null) { // answered before "Checking…" was due, or that post failed
                try {
                    parentTs = poster.post(spec.channel(), spec.threadTs(), summary);
                } catch (Poster.SlackError e) {
                    if (!e.cannotPost() || spec.responseUrl() == null) {
                        throw e;
                    }
                    LOG.info("run {}: cannot post in {} ({}), answering through response_url", spec.runId(),
                            spec.channel(), e.error());
                    answerThroughResponseUrl(spec, report, thread, changes);
                    return null;
                }
            } else {
                poster.update(spec.channel(), parentTs, summary);
            }
            String replyTs = spec.threadTs() != null ? spec.threadTs() : parentTs;
            for (SlackRender.Message m : thread) {
                try {
                    poster.reply(spec.channel(), replyTs, m);
                } catch (Poster.SlackError | RuntimeException e) {
                    String id = ErrorId.next();
                    LOG.warn("run {}: a thread reply failed, error id {}: {}", spec.runId(), id, e.getMessage());
                    postQuietly(spec.channel(), replyTs, SlackRender.note(":warning: part of the transcript could "
                            + "not be posted (error id `" + id + "`); `mxdoctor history` keeps the whole report."));
                }
            }
            if (state == RunState.INTERRUPTED) {
                postQuietly(spec.channel(), replyTs, SlackRender.interrupted(spec.commandLine(), spec.user()));
            }
            return new Posted(parentTs, summary);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            LOG.info("run {} interrupted while talking to Slack", spec.runId());
        } catch (Poster.SlackError | RuntimeException e) {
            String id = ErrorId.next();
            LOG.error("run {} ({}): the answer could not be posted, error id {}", spec.runId(), spec.commandLine(),
                    id, e);
            reportInternalError(spec, parentTs, viaResponseUrl, id);
        }
        return null;
    }

    /** Posts a finished run's answer as a new message (a watch's first answer, made by its scheduler). */
    @Nullable Posted post(Spec spec, Report report) {
        return deliver(spec, report, RunState.DONE, List.of(), Optional.empty(), null, false);
    }

    private void postQuietly(String channel, @Nullable String threadTs, SlackRender.Message m) {
        try {
            poster.post(channel, threadTs, m);
        } catch (Poster.SlackError | RuntimeException e) {
            LOG.warn("could not post a note in {}: {}", channel, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The response_url may be used five times: the summary, then the transcript in at most three parts. */
    private void answerThroughResponseUrl(Spec spec, Report report, List<SlackRender.Message> thread,
            List<String> changes) throws Poster.SlackError {
        String url = java.util.Objects.requireNonNull(spec.responseUrl(), "only runs with a response_url get here");
        String invite = "I can't post in this conversation, so only you see this; invite me with `/invite "
                + "@mxdoctor` to get answers in the channel with the transcript in a thread";
        poster.respond(url, SlackRender.summary(report, spec.commandLine(), spec.user(), invite, docs,
                changes), false);
        int parts = Math.min(thread.size(), 3);
        for (int i = 0; i < parts; i++) {
            poster.respond(url, thread.get(i), false);
        }
    }

    /** Posts "Checking…" (or turns the queued message into it); never throws: a failure leaves no parent message. */
    private FirstPost postFirst(Spec spec, Optional<String> queuedMessage) {
        SlackRender.Message first = SlackRender.running(spec.commandLine(), "Checking " + subject(spec) + "…",
                spec.user(), spec.runId());
        try {
            if (queuedMessage.isPresent()) {
                poster.update(spec.channel(), queuedMessage.get(), first); // it waited in the queue: its message
                return new FirstPost(queuedMessage.get(), false);           // becomes the run's
            }
            return new FirstPost(poster.post(spec.channel(), spec.threadTs(), first), false);
        } catch (Poster.SlackError e) {
            if (e.cannotPost() && spec.responseUrl() != null) {
                LOG.info("run {}: cannot post in {} ({}), answering through response_url", spec.runId(),
                        spec.channel(), e.error());
                return new FirstPost(null, true);
            }
            // Slack refused the first message: the check still runs and is recorded; the user hears of it later.
            LOG.warn("run {}: could not post the first message: {}", spec.runId(), e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.warn("run {}: could not post the first message: {}", spec.runId(), e.getMessage());
        }
        return new FirstPost(queuedMessage.orElse(null), false);
    }

    /**
     * The first post's outcome; the answer waits for it (the post itself is bounded by the Slack client's timeouts).
     * The check is over by now and its state decided: a cancel or stop arriving meanwhile is not kept, since the
     * answer, which says what was seen, must still reach Slack (as after the check).
     */
    private static FirstPost join(CompletableFuture<FirstPost> posting, Spec spec) {
        while (true) {
            try {
                return posting.get();
            } catch (InterruptedException e) {
                LOG.info("run {}: stop asked while its first message was on its way; the answer goes on",
                        spec.runId());
            } catch (java.util.concurrent.ExecutionException e) {
                LOG.warn("run {}: the first message: {}", spec.runId(), String.valueOf(e.getCause()));
                return new FirstPost(null, false);
            }
        }
    }

    /**
     * Progress as updates of the run's message, at most once a second; none before there is one (the first after it
     * follows at once when the check has run a second by then).
     */
    private Progress throttled(Spec spec, CompletableFuture<FirstPost> posting) {
        long[] last = {System.nanoTime()};
        return message -> {
            FirstPost first = posting.getNow(null);
            if (first == null || first.viaResponseUrl() || first.parentTs() == null) {
                return; // nothing to update yet (or ever)
            }
            String parentTs = first.parentTs();
            long now = System.nanoTime();
            synchronized (last) {
                if (now - last[0] < PROGRESS_INTERVAL_NANOS) {
                    return;
                }
                last[0] = now;
            }
            try {
                poster.update(spec.channel(), parentTs, SlackRender.running(spec.commandLine(), message, spec.user(),
                        spec.runId()));
            } catch (Poster.SlackError e) {
                LOG.warn("run {}: progress update failed: {}", spec.runId(), e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
    }

    private void reportInternalError(Spec spec, @Nullable String parentTs, boolean viaResponseUrl, String id) {
        SlackRender.Message m = new SlackRender.Message("mxdoctor hit an internal error (error id " + id + ")",
                SlackRender.note(":boom: mxdoctor hit an internal error while running `" + SlackRender.escape(
                        spec.commandLine()) + "` (error id `" + id + "`). The details are in its log.").blocks());
        try {
            if (viaResponseUrl || parentTs == null) {
                if (spec.responseUrl() != null) {
                    poster.respond(spec.responseUrl(), m, false);
                } else {
                    poster.ephemeral(spec.channel(), spec.user(), spec.threadTs(), m.text());
                }
            } else {
                poster.update(spec.channel(), parentTs, m);
            }
        } catch (Exception again) {
            LOG.error("run {}: could not even report error id {}: {}", spec.runId(), id, again.getMessage());
        }
    }

    private static String subject(Spec spec) {
        return switch (spec.invocation().request()) {
            case dev.mxdoctor.command.Request.Mx mx -> "MX for " + mx.domain().display();
            case dev.mxdoctor.command.Request.SmtpTest t -> "delivery to " + t.recipient().display();
            case dev.mxdoctor.command.Request.Dns d -> d.query() + " " + d.type();
            case dev.mxdoctor.command.Request.Auth a -> "SPF, DMARC, DKIM and TLS-RPT of " + a.domain().display();
            case dev.mxdoctor.command.Request.RelayTest t -> "whether " + t.target().display() + " relays";
            case dev.mxdoctor.command.Request.Blocklist b -> "blocklists for " + b.domain().map(n -> n.display())
                    .orElse(b.address().orElse("the sender addresses"));
            default -> spec.invocation().request().command();
        };
    }
}
