package dev.mxdoctor.history;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A watch as stored: what it repeats, for whom and where, its schedule, and what it last told the conversation.
 *
 * @param id short id people type ({@code watch stop w3fa9c2})
 * @param threadTs the thread its replies go to: the one it was started in, else its first answer's
 * @param commandLine the check it repeats, as typed (parsed again at every run)
 * @param ends when it stops by itself
 * @param untilOk stop once the verdict is OK
 * @param parentTs the message whose status line it keeps current (its first answer)
 * @param parentMessage that message as first posted (JSON: text and blocks), to redraw it with the status line
 * @param lastStatus the verdict of the last run
 * @param next when it runs next
 * @param baseline the last state told to the conversation (a stored JSON report); changes are against it
 * @param note what the status line adds: a gap after a restart, or why it ended
 * @param stoppedBy who asked it to stop
 */
public record WatchRecord(String id, Optional<String> workspace, String channel, Optional<String> threadTs,
        String requester, String commandLine, Duration every, Instant created, Instant ends, boolean untilOk,
        State state, Optional<String> parentTs, Optional<String> parentMessage, int runs, Optional<Instant> lastRun,
        Optional<String> lastStatus, Instant next, Optional<String> baseline, Optional<Instant> baselineAt,
        Optional<String> note, Optional<String> stoppedBy) {

    /** Active: runs on schedule. Stopping: asked to stop, its holder says so and ends it. Ended: done. */
    public enum State {
        ACTIVE, STOPPING, ENDED;

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        static State of(String label) {
            return valueOf(label.toUpperCase(java.util.Locale.ROOT));
        }
    }

    public WatchRecord {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(commandLine, "commandLine");
        Objects.requireNonNull(state, "state");
    }

    /** A new watch, before its first run (which its starter makes; the scheduler's first is an interval later). */
    public static WatchRecord create(String id, Optional<String> workspace, String channel, Optional<String> threadTs,
            String requester, String commandLine, Duration every, Instant now, Instant ends, boolean untilOk) {
        return new WatchRecord(id, workspace, channel, threadTs, requester, commandLine, every, now, ends, untilOk,
                State.ACTIVE, Optional.empty(), Optional.empty(), 0, Optional.empty(), Optional.empty(), now.plus(every),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
    }

    /** Where its first answer went: the message with the status line, and the thread for its replies. */
    public WatchRecord withParent(String ts, String message) {
        return new WatchRecord(id, workspace, channel, Optional.of(threadTs.orElse(ts)), requester, commandLine, every,
                created, ends, untilOk, state, Optional.of(ts), Optional.of(message), runs, lastRun, lastStatus, next,
                baseline, baselineAt, note, stoppedBy);
    }

    /**
     * After a run that started at {@code at}: counted, its verdict kept, the next run scheduled, and the baseline
     * moved when the conversation was told of this state ({@code told}).
     */
    public WatchRecord afterRun(Instant at, String status, Instant nextRun, Optional<String> toldReport,
            Optional<String> newNote) {
        return new WatchRecord(id, workspace, channel, threadTs, requester, commandLine, every, created, ends,
                untilOk, state, parentTs, parentMessage, runs + 1, Optional.of(at), Optional.of(status), nextRun,
                toldReport.isPresent() ? toldReport : baseline, toldReport.isPresent() ? Optional.of(at) : baselineAt,
                newNote, stoppedBy);
    }

    /** Ended, with the reason the status line gives. */
    public WatchRecord ended(String reason) {
        return new WatchRecord(id, workspace, channel, threadTs, requester, commandLine, every, created, ends,
                untilOk, State.ENDED, parentTs, parentMessage, runs, lastRun, lastStatus, next, baseline, baselineAt,
                Optional.of(reason), stoppedBy);
    }

    /** With another status note (a gap after a restart), the rest unchanged. */
    public WatchRecord noted(Optional<String> newNote) {
        return new WatchRecord(id, workspace, channel, threadTs, requester, commandLine, every, created, ends,
                untilOk, state, parentTs, parentMessage, runs, lastRun, lastStatus, next, baseline, baselineAt,
                newNote, stoppedBy);
    }

    public boolean live() {
        return state != State.ENDED;
    }
}
