package dev.mxdoctor.diagnosis;

/** How much a finding matters, lowest first; the JSON report uses the lower-case name. */
public enum Severity {
    INFO,
    WARNING,
    ERROR,
    CRITICAL;

    /** The name used in the JSON report and the catalogue. */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
