package dev.mxdoctor.diagnosis;

import dev.mxdoctor.diagnosis.AddressProbe.Outcome;
import dev.mxdoctor.diagnosis.Finding.Stage;
import dev.mxdoctor.diagnosis.MxEvidence.Host;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Findings about the MX hosts as a whole: the primary down, every host down, or outbound port 25 blocked where
 * mxdoctor runs (RFC 5321 5.1: senders try the hosts in preference order). Pure.
 */
public final class ReachabilityRules {

    private ReachabilityRules() {}

    /**
     * @param control the probe of a known-good control host (MXDOCTOR_CONTROL_HOST), made only when every MX
     *     address timed out
     */
    public static List<Finding> findings(MxEvidence e, Optional<AddressProbe> control) {
        List<Finding> out = new ArrayList<>();
        List<Host> tried = e.hosts().stream().filter(h -> !h.attempted().isEmpty()).toList();
        if (tried.isEmpty()) {
            return out;
        }
        if (tried.stream().allMatch(Host::unusable)) {
            boolean allTimedOut = e.probes().stream().filter(p -> !p.outcome().notTried())
                    .allMatch(p -> p.outcome() == Outcome.TIMEOUT);
            if (allTimedOut && control.isPresent() && control.get().outcome() == Outcome.TIMEOUT) {
                out.add(Finding.of(FindingCode.PORT25_BLOCKED_OUTBOUND, Stage.CONNECT, null, "Every MX address of "
                        + e.domain() + " timed out on port 25, and so did the control host " + control.get().host()
                        + " (" + control.get().address() + "), which normally answers: outbound port 25 is "
                        + "probably blocked where mxdoctor runs."));
            }
            if (allTemporarilyRefused(tried)) {
                // Not the same as down: they answer, and the refusal passes.
                out.add(Finding.of(FindingCode.MX_ALL_REFUSING_FOR_NOW, Stage.GREETING, null, "Every MX host of "
                        + e.domain() + " answers but refuses for now: " + describe(tried) + "."));
                return out;
            }
            boolean anyConnected = e.probes().stream().anyMatch(p -> p.connectMs().isPresent());
            Finding all = Finding.of(FindingCode.MX_ALL_UNREACHABLE, Stage.CONNECT, null,
                    "No MX host of " + e.domain() + " could take mail: " + describe(tried) + ".");
            if (anyConnected) {
                all = all.withAdvice("The hosts answer on port 25 but turn the mail away: the network path is "
                        + "fine; fix what each host's own finding says.");
            }
            if (allTimedOut && control.isEmpty()) {
                all = all.withAdvice(all.advice() + " Every address timed out, which is also what a blocked "
                        + "outbound port 25 looks like: set MXDOCTOR_CONTROL_HOST to a mail server known to answer, "
                        + "so mxdoctor can tell the two apart.");
            }
            out.add(all);
            return out;
        }
        List<Host> primary = e.primaryGroup().stream().filter(h -> !h.attempted().isEmpty()).toList();
        if (!primary.isEmpty() && primary.stream().allMatch(Host::unusable)) {
            Host next = tried.stream().filter(h -> !h.unusable()).findFirst().orElseThrow();
            out.add(Finding.of(FindingCode.MX_PRIMARY_UNREACHABLE, Stage.CONNECT,
                    primary.get(0).name(), "The primary MX " + describe(primary) + " cannot take mail; senders fall back to "
                            + next.name() + " (preference " + next.preference() + ")."));
        }
        return out;
    }

    /** Whether every attempted address answered, but with a temporary refusal (a 4xx greeting such as 421). */
    static boolean allTemporarilyRefused(List<Host> tried) {
        return tried.stream().flatMap(h -> h.attempted().stream()).allMatch(p ->
                p.outcome() == Outcome.UNAVAILABLE && p.greeting().map(r -> r.isTransient()).orElse(false));
    }

    /** "mx1.example.com (connection refused), mx2.example.com (no greeting in time)". */
    static String describe(List<Host> hosts) {
        return hosts.stream().map(h -> h.name() + " (" + h.failure() + ")").collect(Collectors.joining(", "));
    }
}
