package dev.mxdoctor.history;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * One stored run as the {@code history} command lists it.
 *
 * @param state running, done or interrupted
 * @param status the verdict's status once done
 * @param changes what differs from the previous run of the same query
 */
public record RunSummary(String id, Instant started, long durationMs, String command, String query,
        String requester, String state, Optional<String> status, Optional<String> summary, List<String> changes,
        Optional<String> workspace, Optional<String> channel, Optional<String> threadTs) {

    public RunSummary {
        changes = List.copyOf(changes);
    }
}
