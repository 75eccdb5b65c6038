package dev.mxdoctor.history;

import org.jspecify.annotations.Nullable;

/** The history database could not be used; the message says why in words fit for a log or a terminal. */
public final class HistoryException extends Exception {
    private static final long serialVersionUID = 1L;

    /** What the failure means for what waits to be written. */
    public enum Kind {
        /** The database cannot be reached or did not answer: try again later. */
        UNAVAILABLE,
        /** The database's schema is newer than this code: nothing will be written until mxdoctor is upgraded. */
        SCHEMA_TOO_NEW,
        /** The database answered, and refused this one operation: retrying it would fail again. */
        REJECTED
    }

    private final Kind kind;

    public HistoryException(Kind kind, String message, @Nullable Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }

    /** Never null: every one is made with a message. */
    @Override
    public String getMessage() {
        return java.util.Objects.requireNonNullElse(super.getMessage(), getClass().getSimpleName());
    }
}
