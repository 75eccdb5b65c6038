package dev.mxdoctor.command;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * A parsed command line: the request plus the flags every command shares.
 *
 * @param json print the JSON report ({@code --json})
 * @param timeout overall deadline ({@code --timeout <seconds>}), or empty for the configured default
 * @param fresh bypass the DNS cache ({@code --fresh})
 */
public record Invocation(Request request, boolean json, Optional<Duration> timeout, boolean fresh) {
    public Invocation {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(timeout, "timeout");
    }
}
