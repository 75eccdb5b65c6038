package dev.mxdoctor.history;

/** The history database could not be used; the message says why in words fit for a log or a terminal. */
public final class HistoryException extends Exception {
    private static final long serialVersionUID = 1L;

    public HistoryException(String message, Throwable cause) {
        super(message, cause);
    }
}
