package dev.mxdoctor.history;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.mxdoctor.report.JsonReport;
import dev.mxdoctor.report.Report;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What differs between a run and the previous run of the same query: MX hosts added or removed, addresses
 * changed, addresses that stopped or started answering, findings that appeared or cleared, and the verdict.
 * Works on the JSON report (what history stores), so old runs compare with new ones. Pure.
 */
public final class Changes {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm").withZone(ZoneOffset.UTC);

    private Changes() {}

    public static List<String> between(JsonObject previous, Instant previousStarted, Report current) {
        JsonObject now = JsonReport.tree(current);
        String then = TIME.format(previousStarted);
        String at = TIME.format(current.started());
        List<String> out = new ArrayList<>();
        String before = previous.getAsJsonObject("verdict").get("status").getAsString();
        String after = now.getAsJsonObject("verdict").get("status").getAsString();
        if (!before.equals(after)) {
            out.add("verdict " + before + " → " + after + " (it was " + before + " at " + then + ")");
        }
        Map<String, JsonObject> hostsBefore = hosts(previous);
        Map<String, JsonObject> hostsNow = hosts(now);
        for (String h : hostsNow.keySet()) {
            if (!hostsBefore.containsKey(h)) {
                out.add("MX host added: " + h);
            }
        }
        for (String h : hostsBefore.keySet()) {
            if (!hostsNow.containsKey(h)) {
                out.add("MX host removed: " + h);
            }
        }
        for (Map.Entry<String, JsonObject> e : hostsNow.entrySet()) {
            JsonObject old = hostsBefore.get(e.getKey());
            if (old == null) {
                continue;
            }
            Set<String> a0 = strings(old, "addresses");
            Set<String> a1 = strings(e.getValue(), "addresses");
            if (!a0.equals(a1)) {
                out.add(e.getKey() + " addresses " + String.join(", ", a0) + " → " + String.join(", ", a1));
            }
            Map<String, String> o0 = outcomes(old);
            for (Map.Entry<String, String> p : outcomes(e.getValue()).entrySet()) {
                String was = o0.get(p.getKey());
                if (was == null || was.equals(p.getValue())) {
                    continue;
                }
                String where = e.getKey() + " [" + p.getKey() + "]";
                out.add(p.getValue().equals("ok")
                        ? where + " answers again since " + at + "; it was " + was + " at " + then
                        : where + " is " + p.getValue() + " since " + at + "; it answered (" + was + ") at " + then);
            }
        }
        Set<String> f0 = findings(previous);
        Set<String> f1 = findings(now);
        f1.stream().filter(f -> !f0.contains(f)).forEach(f -> out.add("new finding: " + f));
        f0.stream().filter(f -> !f1.contains(f)).forEach(f -> out.add("cleared: " + f));
        return out;
    }

    private static Map<String, JsonObject> hosts(JsonObject report) {
        Map<String, JsonObject> out = new LinkedHashMap<>();
        if (report.has("mx")) {
            for (JsonElement e : report.getAsJsonArray("mx")) {
                JsonObject m = e.getAsJsonObject();
                out.put(m.get("preference").getAsInt() + " " + m.get("host").getAsString(), m);
            }
        }
        return out;
    }

    private static Set<String> strings(JsonObject o, String key) {
        Set<String> out = new LinkedHashSet<>();
        if (o.has(key)) {
            o.getAsJsonArray(key).forEach(e -> out.add(e.getAsString()));
        }
        return out;
    }

    private static Map<String, String> outcomes(JsonObject mx) {
        Map<String, String> out = new LinkedHashMap<>();
        if (mx.has("probes")) {
            for (JsonElement e : mx.getAsJsonArray("probes")) {
                JsonObject p = e.getAsJsonObject();
                out.put(p.get("address").getAsString(), p.get("outcome").getAsString());
            }
        }
        return out;
    }

    private static Set<String> findings(JsonObject report) {
        Set<String> out = new LinkedHashSet<>();
        for (JsonElement e : report.getAsJsonArray("findings")) {
            JsonObject f = e.getAsJsonObject();
            out.add(f.get("code").getAsString() + (f.has("host") ? " on " + f.get("host").getAsString() : ""));
        }
        return out;
    }
}
