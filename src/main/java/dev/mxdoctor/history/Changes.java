package dev.mxdoctor.history;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What differs between a run and the previous run of the same query: the verdict, MX hosts added or removed,
 * addresses changed, addresses that stopped or started answering, findings that appeared or cleared. Pure.
 */
final class Changes {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm").withZone(ZoneOffset.UTC);

    private Changes() {}

    /** The differences from {@code before} to {@code after}, verdict first, then hosts, then findings. */
    static List<Change> between(Snapshot before, Snapshot after) {
        List<Change> out = new ArrayList<>();
        if (!before.status().equals(after.status())) {
            out.add(new Change.Verdict(before.status(), after.status()));
        }
        after.hosts().keySet().stream().filter(h -> !before.hosts().containsKey(h))
                .forEach(h -> out.add(new Change.HostAdded(h)));
        before.hosts().keySet().stream().filter(h -> !after.hosts().containsKey(h))
                .forEach(h -> out.add(new Change.HostRemoved(h)));
        for (Map.Entry<String, Snapshot.Host> e : after.hosts().entrySet()) {
            Snapshot.Host old = before.hosts().get(e.getKey());
            if (old != null) {
                hostChanges(old, e.getValue(), out);
            }
        }
        after.findings().stream().filter(f -> !before.findings().contains(f))
                .forEach(f -> out.add(new Change.FindingAppeared(f)));
        before.findings().stream().filter(f -> !after.findings().contains(f))
                .forEach(f -> out.add(new Change.FindingCleared(f)));
        return out;
    }

    private static void hostChanges(Snapshot.Host old, Snapshot.Host now, List<Change> out) {
        String host = now.name();
        // Compared as sets: the order of A records is the resolver's choice, not a change.
        if (!new java.util.HashSet<>(old.addresses()).equals(new java.util.HashSet<>(now.addresses()))) {
            out.add(new Change.Addresses(host, old.addresses(), now.addresses()));
        }
        for (Map.Entry<String, String> p : now.outcomes().entrySet()) {
            String was = old.outcomes().get(p.getKey());
            if (was != null && !was.equals(p.getValue())) {
                out.add(new Change.Outcome(host, p.getKey(), was, p.getValue()));
            }
        }
    }

    /** The changes in words, as stored and shown. */
    static List<String> describe(List<Change> changes, Instant previousStarted, Instant started) {
        String then = TIME.format(previousStarted);
        String now = TIME.format(started);
        return changes.stream().map(c -> c.describe(then, now)).toList();
    }
}
