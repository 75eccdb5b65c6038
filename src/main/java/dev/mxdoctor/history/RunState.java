package dev.mxdoctor.history;

import java.util.Locale;

/** Where a run stands in the history; the label is what the database and the history listing say. */
public enum RunState {
    RUNNING,
    /** Finished with a report (whatever its verdict). */
    DONE,
    /** Stopped by the user; the report holds what was seen until then. */
    CANCELLED,
    /** mxdoctor failed internally; the report names the error id. */
    FAILED,
    /** Its process died (killed, crashed, restarted) before it finished. */
    INTERRUPTED;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
