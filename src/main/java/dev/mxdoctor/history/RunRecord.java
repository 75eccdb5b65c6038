package dev.mxdoctor.history;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A run as it starts: who asked what, where the answer goes.
 *
 * @param requester the Slack user id, or the local user on the command line
 */
public record RunRecord(String id, Optional<String> workspace, Optional<String> channel, Optional<String> threadTs,
        String requester, String command, String query, Instant started) {

    public RunRecord {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(requester, "requester");
        Objects.requireNonNull(command, "command");
        Objects.requireNonNull(query, "query");
        Objects.requireNonNull(started, "started");
    }

    /** A run from the command line: no workspace, channel or thread. */
    public static RunRecord local(String id, String requester, String command, String query, Instant started) {
        return new RunRecord(id, Optional.empty(), Optional.empty(), Optional.empty(), requester, command, query,
                started);
    }
}
