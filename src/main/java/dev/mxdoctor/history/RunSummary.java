package dev.mxdoctor.history;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * One stored run as the {@code history} command lists it.
 *
 * @param state a {@link RunState}'s label (running, done, cancelled, failed, interrupted)
 * @param status the verdict's status once done
 * @param changes what differs from the previous run of the same query
 * @param owner the process that ran it ("host/pid/start-ms"); empty for runs written before owners were kept
 */
public record RunSummary(String id, Instant started, long durationMs, String command, String query,
        String requester, String state, Optional<String> status, Optional<String> summary, List<String> changes,
        Optional<String> workspace, Optional<String> channel, Optional<String> threadTs, Optional<String> owner) {

    public RunSummary {
        changes = List.copyOf(changes);
    }
}
