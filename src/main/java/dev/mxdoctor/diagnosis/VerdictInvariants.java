package dev.mxdoctor.diagnosis;

import java.util.ArrayList;
import java.util.List;

/**
 * What a verdict may not say beside its findings: no OK over an ERROR or CRITICAL finding, no DEGRADED headline
 * beside a CRITICAL one, no FAILING resting on nothing worse than INFO. The rules that write verdicts are many; tests
 * run every report they make through {@link #violations}, and every check's verdict passes {@link #upheld} on its way
 * out, so that a rule that forgets one cannot tell the user "OK" beside an error.
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
        if (verdict.status() == Verdict.Status.FAILING
                && findings.stream().noneMatch(f -> f.severity().compareTo(Severity.WARNING) >= 0)) {
            out.add("FAILING resting on " + (findings.isEmpty() ? "no finding" : "INFO findings only"));
        }
        return out;
    }

    /**
     * {@code verdict}, raised where its findings demand more (never lowered): OK beside an ERROR becomes DEGRADED,
     * OK or DEGRADED beside a CRITICAL becomes FAILING, the worst finding's title added so the headline says why.
     */
    public static Verdict upheld(Verdict verdict, List<Finding> findings) {
        Verdict.Status s = verdict.status();
        if (s == Verdict.Status.FAILING || s == Verdict.Status.INCONCLUSIVE) {
            return verdict;
        }
        java.util.Optional<Finding> worst = findings.stream().max(java.util.Comparator.comparing(Finding::severity));
        if (worst.isEmpty()) {
            return verdict;
        }
        Severity w = worst.get().severity();
        Verdict.Status needed = w == Severity.CRITICAL ? Verdict.Status.FAILING
                : w == Severity.ERROR && s == Verdict.Status.OK ? Verdict.Status.DEGRADED : s;
        return needed == s ? verdict : new Verdict(needed, verdict.summary() + " But: " + worst.get().title() + ".");
    }
}
