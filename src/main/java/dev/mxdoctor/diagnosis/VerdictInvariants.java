package dev.mxdoctor.diagnosis;

import java.util.ArrayList;
import java.util.List;

/**
 * What a verdict may not say beside its findings: no OK over an ERROR or CRITICAL finding, no DEGRADED headline
 * beside a CRITICAL one. The rules that write verdicts are many; these invariants hold for all of them, and tests run
 * every report they make through {@link #violations}.
 */
public final class VerdictInvariants {

    private VerdictInvariants() {}

    /** The invariants {@code verdict} breaks beside {@code findings}; empty when it keeps them all. */
    public static List<String> violations(Verdict verdict, List<Finding> findings) {
        List<String> out = new ArrayList<>();
        for (Finding f : findings) {
            if (verdict.status() == Verdict.Status.OK && f.severity().compareTo(Severity.ERROR) >= 0) {
                out.add("OK over " + f.severity() + " " + f.code());
            }
            if (verdict.status() == Verdict.Status.DEGRADED && f.severity() == Severity.CRITICAL) {
                out.add("DEGRADED beside CRITICAL " + f.code());
            }
        }
        return out;
    }
}
