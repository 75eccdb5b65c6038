package dev.mxdoctor.history;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.mxdoctor.report.JsonReport;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

/** The {@code history} command's answer for a terminal and as JSON (newest first). Pure. */
public final class HistoryView {

    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(
            ZoneOffset.UTC);

    private HistoryView() {}

    public static String text(List<RunSummary> runs) {
        if (runs.isEmpty()) {
            return "No runs recorded yet.\n";
        }
        StringBuilder sb = new StringBuilder();
        for (RunSummary r : runs) {
            sb.append(String.format("%s UTC  %-12s %-8s %-30s %s%n", WHEN.format(r.started()),
                    r.status().orElse(r.state()).toUpperCase(java.util.Locale.ROOT), r.command(), r.query(),
                    r.requester()));
            r.summary().ifPresent(s -> sb.append("    ").append(s).append('\n'));
            r.changes().forEach(c -> sb.append("    changed: ").append(c).append('\n'));
            r.channel().ifPresent(c -> sb.append("    slack: ").append(c)
                    .append(r.threadTs().map(t -> " thread " + t).orElse("")).append('\n'));
        }
        return sb.toString();
    }

    public static String json(List<RunSummary> runs) {
        JsonArray out = new JsonArray();
        for (RunSummary r : runs) {
            JsonObject o = new JsonObject();
            o.addProperty("id", r.id());
            o.addProperty("started", r.started().toString());
            o.addProperty("durationMs", r.durationMs());
            o.addProperty("command", r.command());
            o.addProperty("query", r.query());
            o.addProperty("requester", r.requester());
            o.addProperty("state", r.state());
            JsonObject verdict = new JsonObject();
            r.status().ifPresent(s -> verdict.addProperty("status", s));
            r.summary().ifPresent(s -> verdict.addProperty("summary", s));
            o.add("verdict", verdict);
            JsonArray changes = new JsonArray();
            r.changes().forEach(changes::add);
            o.add("changes", changes);
            r.workspace().ifPresent(w -> o.addProperty("workspace", w));
            r.channel().ifPresent(c -> o.addProperty("channel", c));
            r.threadTs().ifPresent(t -> o.addProperty("threadTs", t));
            out.add(o);
        }
        return JsonReport.pretty(out);
    }
}
