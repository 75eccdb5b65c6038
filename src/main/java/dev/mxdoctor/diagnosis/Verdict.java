package dev.mxdoctor.diagnosis;

import java.util.Objects;

/** The diagnosis of a whole run: a status and one sentence that names the cause a person must act on. */
public record Verdict(Status status, String summary) {

    /** The run's overall state; the CLI's exit status follows it. */
    public enum Status {
        OK(0),
        DEGRADED(1),
        FAILING(2),
        INCONCLUSIVE(3);

        private final int exitCode;

        Status(int exitCode) {
            this.exitCode = exitCode;
        }

        public int exitCode() {
            return exitCode;
        }

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public Verdict {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(summary, "summary");
    }
}
