package dev.mxdoctor.history;

import dev.mxdoctor.report.JsonReport;
import dev.mxdoctor.report.Report;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * What "what changed" compares of a run: its verdict, its MX hosts with their addresses and what each address
 * answered, and its findings. Made from a stored report (any version's: keys absent in older reports are empty
 * here) or from a new one, always through the one JSON serialiser, so both sides of a comparison are read alike.
 *
 * @param status the verdict's status label, or "unknown" when the stored report has none
 * @param hosts MX hosts keyed by "preference name", in report order
 * @param findings finding keys ("CODE" or "CODE on host"), in report order
 */
record Snapshot(String status, Map<String, Host> hosts, Set<String> findings) {

    Snapshot {
        Objects.requireNonNull(status, "status");
        hosts = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(hosts));
        findings = java.util.Collections.unmodifiableSet(new LinkedHashSet<>(findings));
    }

    /** One MX host: its name, its addresses and, per probed address, the probe's outcome label. */
    record Host(String name, List<String> addresses, Map<String, String> outcomes) {
        Host {
            addresses = List.copyOf(addresses);
            outcomes = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(outcomes));
        }
    }

    static Snapshot of(Report report) {
        return fromJson(JsonReport.compact(report));
    }

    /**
     * Reads a stored report.
     *
     * @throws IllegalArgumentException when the text is not a JSON object
     */
    static Snapshot fromJson(String json) {
        return JsonReport.read(json, Stored.class).snapshot();
    }

    // The JSON report's keys that matter here, as Gson fills them: anything may be absent (null) in old reports.

    private record Stored(@Nullable StoredVerdict verdict, @Nullable List<@Nullable StoredFinding> findings,
            @Nullable List<@Nullable StoredMx> mx) {

        Snapshot snapshot() {
            String status = verdict == null || verdict.status() == null ? "unknown" : verdict.status();
            Map<String, Host> hosts = new LinkedHashMap<>();
            for (StoredMx m : orEmpty(mx)) {
                if (m != null && m.host() != null) {
                    hosts.put(m.preference() + " " + m.host(), m.toHost(m.host()));
                }
            }
            Set<String> keys = new LinkedHashSet<>();
            for (StoredFinding f : orEmpty(findings)) {
                if (f != null && f.code() != null) {
                    keys.add(f.code() + (f.host() == null ? "" : " on " + f.host()));
                }
            }
            return new Snapshot(status, hosts, keys);
        }
    }

    private record StoredVerdict(@Nullable String status) {}

    private record StoredFinding(@Nullable String code, @Nullable String host) {}

    private record StoredMx(int preference, @Nullable String host, @Nullable List<@Nullable String> addresses,
            @Nullable List<@Nullable StoredProbe> probes) {

        Host toHost(String name) {
            List<String> a = new ArrayList<>();
            // Runs stored before addresses took the RFC 5952 form wrote IPv6 in full: the same address either way.
            for (String s : orEmpty(addresses)) {
                if (s != null) {
                    a.add(dev.mxdoctor.dns.Addresses.normalized(s));
                }
            }
            Map<String, String> o = new LinkedHashMap<>();
            for (StoredProbe p : orEmpty(probes)) {
                if (p != null && p.address() != null && p.outcome() != null) {
                    o.put(dev.mxdoctor.dns.Addresses.normalized(p.address()), p.outcome());
                }
            }
            return new Host(name, a, o);
        }
    }

    private record StoredProbe(@Nullable String address, @Nullable String outcome) {}

    private static <T> List<T> orEmpty(@Nullable List<T> list) {
        return list == null ? List.of() : list;
    }
}
