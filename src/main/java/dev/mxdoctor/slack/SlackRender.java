package dev.mxdoctor.slack;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.mxdoctor.command.Durations;
import dev.mxdoctor.command.Usage;
import dev.mxdoctor.diagnosis.AddressProbe;
import dev.mxdoctor.diagnosis.Finding;
import dev.mxdoctor.diagnosis.Severity;
import dev.mxdoctor.diagnosis.Verdict;
import dev.mxdoctor.history.RunSummary;
import dev.mxdoctor.history.WatchRecord;
import dev.mxdoctor.report.Report;
import dev.mxdoctor.report.TranscriptRefs;
import dev.mxdoctor.watch.Watching;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * Turns reports into Slack messages (Block Kit JSON). Pure: no client, no clock. Slack's limits shape it: a section
 * holds at most 3,000 characters, a message at most 50 blocks, and long payloads are refused well below the
 * documented totals, so thread replies stay under about {@value #MESSAGE_BUDGET} characters each.
 */
final class SlackRender {

    static final int SECTION_LIMIT = 2900;
    static final int MESSAGE_BUDGET = 11000;
    static final int MAX_SECTIONS = 20;

    private SlackRender() {}

    /** One Slack message: fallback text and blocks. */
    record Message(String text, JsonArray blocks) {
        String blocksJson() {
            return blocks.toString();
        }
    }

    static String emoji(Verdict.Status s) {
        return switch (s) {
            case OK -> ":large_green_circle:";
            case DEGRADED -> ":large_orange_circle:";
            case FAILING -> ":red_circle:";
            case INCONCLUSIVE -> ":white_circle:";
        };
    }

    /** The parent message while a run is under way, with a Cancel button. */
    static Message running(String commandLine, String progress, String user, String runId) {
        JsonArray blocks = new JsonArray();
        blocks.add(section(":hourglass_flowing_sand: *" + escape(progress) + "*"));
        blocks.add(context("`" + escape(commandLine) + "` · asked by <@" + user + ">"));
        blocks.add(actions(button("Cancel", "cancel", runId, "danger")));
        return new Message(progress, blocks);
    }

    /** The parent message once the run is over: the summary and a Re-run button. */
    static Message summary(Report r, String commandLine, String user, String transcriptNote, String docs,
            List<String> changes) {
        JsonArray blocks = new JsonArray();
        Verdict v = r.verdict();
        String headline = emoji(v.status()) + " *" + v.status().label().toUpperCase(java.util.Locale.ROOT) + "* — "
                + escape(v.summary());
        blocks.add(section(truncate(headline)));
        List<Finding> key = r.findings().stream()
                .filter(f -> f.severity().compareTo(Severity.WARNING) >= 0)
                .sorted(Comparator.comparing(Finding::severity).reversed())
                .limit(4).toList();
        if (!key.isEmpty()) {
            StringBuilder sb = new StringBuilder();
            for (Finding f : key) {
                sb.append("• *").append(code(f, docs)).append("*").append(f.host() == null ? "" : " " + escape(f.host())).append(": ")
                        .append(escape(f.detail())).append("\n   _").append(escape(f.advice())).append("_\n");
            }
            int more = (int) r.findings().stream().filter(f -> f.severity().compareTo(Severity.WARNING) >= 0).count()
                    - key.size();
            if (more > 0) {
                sb.append("_and ").append(more).append(" more in the thread_");
            }
            blocks.add(section(truncate(sb.toString())));
        }
        if (!changes.isEmpty()) {
            blocks.add(section(truncate("*What changed since the previous run*\n• " + escape(String.join("\n• ",
                    changes)))));
        }
        if (!r.listings().isEmpty()) {
            blocks.add(section(truncate(listings(r.listings()))));
        }
        if (!r.mx().isEmpty()) {
            blocks.add(section(truncate("```" + escape(mxTable(r.mx())) + "```")));
            if (!r.policy().isEmpty()) {
                blocks.add(context("Policy: " + escape(r.policy())));
            }
        } else if (!r.records().isEmpty()) {
            StringBuilder sb = new StringBuilder();
            r.records().forEach(l -> sb.append(l.name()).append(' ').append(l.ttl()).append(" IN ").append(l.type())
                    .append(' ').append(l.data()).append('\n'));
            blocks.add(section(truncate("```" + escape(sb.toString()) + "```")));
        }
        String time = r.elapsedMs() < 1000 ? r.elapsedMs() + " ms"
                : String.format(java.util.Locale.ROOT, "%.1f s", r.elapsedMs() / 1000.0);
        blocks.add(context("`" + escape(commandLine) + "` · asked by <@" + user + "> · " + time + " · resolver "
                + escape(r.resolver()) + (transcriptNote.isEmpty() ? "" : " · " + transcriptNote)));
        blocks.add(watchable(r.command(), commandLine)
                ? actions(button("Re-run", "rerun", commandLine, "primary"), button("Watch", "watch", commandLine, ""))
                : actions(button("Re-run", "rerun", commandLine, "primary")));
        return new Message(v.status().label().toUpperCase(java.util.Locale.ROOT) + ": " + v.summary(), blocks);
    }

    /** Blocklist answers: each listing with its meaning and reason, then the lists that were clean or not asked. */
    static String listings(List<Report.Listing> listings) {
        StringBuilder b = new StringBuilder();
        for (Report.Listing l : listings) {
            if (l.status().equals("listed")) {
                b.append(":red_circle: `").append(escape(l.subject())).append("` on *").append(escape(l.list()))
                        .append("*: ").append(escape(l.meaning()))
                        .append(l.reason().map(r -> " — _" + escape(r) + "_").orElse(""))
                        .append(l.removal().map(r -> " (removal: " + escape(r) + ")").orElse("")).append('\n');
            }
        }
        Map<String, List<String>> others = new LinkedHashMap<>();
        for (Report.Listing l : listings) {
            if (!l.status().equals("listed")) {
                others.computeIfAbsent(l.status(), k -> new ArrayList<>()).add(l.list());
            }
        }
        others.forEach((status, lists) -> b.append(status.equals("not-listed") ? ":white_check_mark: not listed on "
                : ":grey_question: " + status + ": ").append(escape(String.join(", ", lists.stream().distinct()
                .toList()))).append('\n'));
        return b.toString();
    }

    /** Whether an answer gets a Watch button: checks a watch may repeat (never one that sends a message). */
    private static boolean watchable(String command, String commandLine) {
        return List.of("mx", "smtptest", "dns", "blocklist", "auth", "relaytest").contains(command)
                && !commandLine.toLowerCase(java.util.Locale.ROOT).contains("--send");
    }

    // Watches: the status line under a watch's first answer, the replies that say what changed, and the lists.

    private static final String WATCH_BLOCK = "watch_status";

    /** The message stored for a watch to redraw its parent with a status line: text and blocks, as JSON. */
    static String stored(Message m) {
        JsonObject o = new JsonObject();
        o.addProperty("text", m.text());
        o.add("blocks", m.blocks());
        return o.toString();
    }

    /**
     * The watch's parent message: its first answer as posted, its buttons replaced by the status line and (while
     * it runs) a Stop button.
     */
    static Message watchParent(String storedMessage, WatchRecord w, Instant now) {
        JsonObject o = com.google.gson.JsonParser.parseString(storedMessage).getAsJsonObject();
        JsonArray blocks = new JsonArray();
        for (com.google.gson.JsonElement b : o.getAsJsonArray("blocks")) {
            String type = b.getAsJsonObject().get("type").getAsString();
            if (!type.equals("actions")) {
                blocks.add(b);
            }
        }
        JsonObject status = context(watchStatus(w, now));
        status.addProperty("block_id", WATCH_BLOCK);
        blocks.add(status);
        if (w.live()) {
            blocks.add(actions(button("Stop watching", "watch_stop", w.id(), "danger")));
        }
        return new Message(o.get("text").getAsString(), blocks);
    }

    /** "Watching every 5m until 18:30 UTC · last checked 14:35 (ok) · next 14:40 · 7 checks · w3fa9c2". */
    static String watchStatus(WatchRecord w, Instant now) {
        String last = w.lastRun().map(t -> "last checked " + Watching.hhmm(t) + " UTC" + w.lastStatus()
                .map(st -> " (" + st + ")").orElse("")).orElse("not checked yet");
        String checks = w.runs() + (w.runs() == 1 ? " check" : " checks");
        String note = w.note().map(n -> " · " + withMentions(n)).orElse("");
        if (!w.live()) {
            return ":eyes: Watch `" + w.id() + "` ended" + note + " · " + last + " · " + checks;
        }
        return ":eyes: Watching every " + Durations.format(w.every()) + " until " + Watching.hhmm(w.ends()) + " UTC"
                + (w.untilOk() ? " or until OK" : "") + " · " + last + " · next " + Watching.hhmm(
                w.next().isBefore(now) ? now : w.next()) + " · " + checks + " · `" + w.id() + "`" + note;
    }

    /** The thread reply when something changed: what, since when, and the verdict now. */
    static Message watchChange(WatchRecord w, List<String> changes, Report r, Instant since) {
        Verdict v = r.verdict();
        String text = ":eyes: *What changed since " + Watching.hhmm(since) + " UTC* (`" + escape(w.commandLine())
                + "`, watch `" + w.id() + "`)\n• " + escape(String.join("\n• ", changes)) + "\n" + emoji(v.status())
                + " *" + v.status().label().toUpperCase(java.util.Locale.ROOT) + "* — " + escape(v.summary());
        JsonArray blocks = new JsonArray();
        blocks.add(section(truncate(text)));
        return new Message("What changed: " + String.join("; ", changes), blocks);
    }

    /** The thread reply when a watch ends. */
    static Message watchEnded(WatchRecord w, String reason) {
        return note(":checkered_flag: Watch `" + w.id() + "` on `" + escape(w.commandLine()) + "` ended: "
                + withMentions(reason) + " (" + w.runs() + (w.runs() == 1 ? " check" : " checks") + w.lastStatus()
                .map(st -> ", last verdict " + st).orElse("") + ").");
    }

    /** Escaped, but for the user mentions mxdoctor wrote itself ("stopped by <@U024BE7LH>"). */
    private static String withMentions(String text) {
        return escape(text).replaceAll("&lt;@([A-Z0-9]+)&gt;", "<@$1>");
    }

    /** {@code watch list}: one line a watch. */
    static String watchList(List<WatchRecord> watches, String title, Instant now) {
        if (watches.isEmpty()) {
            return "*" + title + "*\nNone. Start one with `watch <check> [every 5m] [for 4h] [until ok]`.";
        }
        StringBuilder b = new StringBuilder("*" + title + "*\n");
        for (WatchRecord w : watches) {
            b.append("• `").append(w.id()).append("` `").append(escape(w.commandLine())).append("` in <#")
                    .append(w.channel()).append("> by <@").append(w.requester()).append(">: every ")
                    .append(Durations.format(w.every())).append(" until ").append(Watching.hhmm(w.ends()))
                    .append(" UTC · ").append(w.runs()).append(w.runs() == 1 ? " check" : " checks")
                    .append(w.lastStatus().map(st -> " · last " + st).orElse(""))
                    .append(w.state() == WatchRecord.State.STOPPING ? " · stopping" : "").append('\n');
        }
        return truncate(b.toString() + "Stop one with `watch stop <id>`.");
    }

    /** A compact MX table: one line per address. */
    static String mxTable(List<Report.MxEntry> mx) {
        StringBuilder sb = new StringBuilder();
        for (Report.MxEntry m : mx) {
            if (m.probes().isEmpty()) {
                sb.append(String.format("%-4s %s %s%n", m.preferenceText(), m.hostText(), m.addressesText()));
            }
            for (AddressProbe p : m.probes()) {
                String tls = p.tls().map(t -> t.protocol() + (t.trusted() ? "" : " untrusted")
                        + (t.namesHost() ? "" : " wrong-name")).orElse(p.tlsFailure().isPresent() ? "tls-failed"
                        : p.outcome() == AddressProbe.Outcome.OK ? "no-tls" : "");
                sb.append(String.format("%-4s %s %s %s%s %s%n", m.preferenceText(), m.hostText(), p.address(),
                        p.outcome().label(), p.greetingMs().isPresent() ? " " + p.greetingMs().getAsLong() + "ms" : "",
                        tls).replace("  ", " "));
            }
        }
        return sb.toString();
    }

    /**
     * The thread replies: the findings (each pointing at the reply and line of the transcript it came from), then
     * the transcript, one dialogue after the other, split so that no message breaks Slack's limits.
     */
    static List<Message> thread(Report r, String docs) {
        List<String> transcriptSections = new ArrayList<>();
        Map<Integer, int[]> where = new LinkedHashMap<>(); // transcript index -> {section, line in section}
        List<Report.TranscriptLine> shown = TranscriptRefs.byDialogue(r.transcript());
        StringBuilder current = new StringBuilder();
        String dialogue = null;
        int lineInSection = 0;
        for (int i = 0; i < shown.size(); i++) {
            Report.TranscriptLine t = shown.get(i);
            String who = t.host() + (t.address().isEmpty() ? "" : " [" + t.address() + "]");
            String header = !who.equals(dialogue) ? "── " + escape(who) + "\n" : "";
            String line = String.format("%6d ms %s %s%n", t.atMs(), t.dir() == 'I' ? " *" : t.dir() + ":",
                    escape(t.line().length() > 500 ? t.line().substring(0, 500) + "…" : t.line()));
            if (current.length() + header.length() + line.length() > SECTION_LIMIT - 8) {
                transcriptSections.add(current.toString());
                current = new StringBuilder();
                lineInSection = 0;
                header = "── " + escape(who) + " (continued)\n";
            }
            dialogue = who;
            current.append(header).append(line);
            lineInSection++;
            where.put(r.transcript().indexOf(t), new int[] {transcriptSections.size(), lineInSection});
        }
        if (!current.isEmpty()) {
            transcriptSections.add(current.toString());
        }
        List<String> sections = new ArrayList<>();
        int findingsSections = 0;
        if (!r.findings().isEmpty()) {
            StringBuilder sb = new StringBuilder("*Findings*\n");
            for (Finding f : r.findings().stream().sorted(Comparator.comparing(Finding::severity).reversed())
                    .toList()) {
                OptionalInt ref = TranscriptRefs.of(f, r.transcript());
                String pointer = ref.isPresent() && where.containsKey(ref.getAsInt())
                        ? " (transcript part " + (where.get(ref.getAsInt())[0] + 1) + ", line "
                                + where.get(ref.getAsInt())[1] + ")" : "";
                String entry = severityIcon(f.severity()) + " *" + code(f, docs) + "*" + (f.host() == null ? "" : " " + escape(f.host()))
                        + (f.address() == null ? "" : " [" + f.address() + "]") + pointer + "\n"
                        + escape(f.detail()) + "\n_" + escape(f.advice()) + "_\n";
                if (sb.length() + entry.length() > SECTION_LIMIT) {
                    sections.add(sb.toString());
                    findingsSections++;
                    sb = new StringBuilder();
                }
                sb.append(entry);
            }
            sections.add(sb.toString());
            findingsSections++;
        }
        for (int i = 0; i < transcriptSections.size(); i++) {
            sections.add("*Transcript, part " + (i + 1) + "*\n```" + transcriptSections.get(i) + "```");
        }
        return pack(sections, findingsSections);
    }

    /** Groups sections into messages under the per-message budget. */
    private static List<Message> pack(List<String> sections, int findingsSections) {
        List<Message> out = new ArrayList<>();
        JsonArray blocks = new JsonArray();
        int size = 0;
        String firstLine = "";
        for (String s : sections) {
            String text = truncate(s);
            if (!blocks.isEmpty() && (size + text.length() > MESSAGE_BUDGET || blocks.size() >= MAX_SECTIONS)) {
                out.add(new Message(firstLine, blocks));
                blocks = new JsonArray();
                size = 0;
            }
            if (blocks.isEmpty()) {
                firstLine = text.lines().findFirst().orElse("").replace("*", "");
            }
            blocks.add(section(text));
            size += text.length();
        }
        if (!blocks.isEmpty()) {
            out.add(new Message(firstLine, blocks));
        }
        return out;
    }

    /** The note posted in the thread of a run that a crash or restart interrupted. */
    static Message interrupted(String commandLine, String user) {
        JsonArray blocks = new JsonArray();
        blocks.add(section(":warning: `" + escape(commandLine) + "` (asked by <@" + user + ">) was interrupted: "
                + "mxdoctor restarted before it finished."));
        blocks.add(actions(button("Re-run", "rerun", commandLine, "primary")));
        return new Message("A run was interrupted by a restart", blocks);
    }

    /** A message of one section; its notification text is the same words. */
    static Message note(String mrkdwn) {
        JsonArray blocks = new JsonArray();
        blocks.add(section(mrkdwn));
        return new Message(mrkdwn, blocks);
    }

    /** The ephemeral answer to a command the grammar refused. */
    static String usageError(String message, String usage) {
        return ":warning: " + escape(message) + "\n```" + escape(usage) + "```";
    }

    /** Help, as mrkdwn. */
    static String help(@org.jspecify.annotations.Nullable String topic) {
        return "```" + escape(topic == null ? Usage.all() : Usage.of(topic)) + "```\nIn Slack: `/mx example.com`, "
                + "`/smtptest alice@example.com`, `/mxdoctor dns example.com TXT`, or `@mxdoctor mx example.com` in "
                + "any thread.";
    }

    /** The App Home view: how to use it, domains failing now, the viewer's runs and the workspace's latest. */
    static JsonObject home(List<RunSummary> mine, List<RunSummary> everyone) {
        JsonArray blocks = new JsonArray();
        JsonObject header = new JsonObject();
        header.addProperty("type", "header");
        header.add("text", plain("mxdoctor: why is mail not arriving?"));
        blocks.add(header);
        blocks.add(section("*Commands*\n• `/mx example.com` — MX records, every mail host probed on port 25, "
                + "STARTTLS and certificates, and a diagnosis\n• `/smtptest alice@example.com` — the dialogue a "
                + "sending server would hold, up to RCPT TO\n• `/mxdoctor dns example.com TXT` — any record\n"
                + "• `@mxdoctor mx example.com` in an incident thread — the answer goes into that thread\n"
                + "• `/mxdoctor help` — all commands and options"));
        blocks.add(divider());
        Map<String, RunSummary> latestPerQuery = new LinkedHashMap<>();
        everyone.forEach(r -> latestPerQuery.putIfAbsent(r.query(), r));
        List<RunSummary> failing = latestPerQuery.values().stream()
                .filter(r -> r.status().filter(s -> s.equals("failing")).isPresent()).toList();
        runSections(blocks, "*Failing now* (latest run of each query)", failing, "Nothing.");
        runSections(blocks, "*Your recent runs*", mine, "None yet.");
        blocks.add(section(truncate(runList("*Latest runs in this workspace*", everyone.subList(0,
                Math.min(10, everyone.size())), "None yet."))));
        JsonObject view = new JsonObject();
        view.addProperty("type", "home");
        view.add("blocks", blocks);
        return view;
    }

    /** A title, then one section per run with a Re-run button (at most 10: a Home tab holds 100 blocks). */
    private static void runSections(JsonArray blocks, String title, List<RunSummary> runs, String none) {
        blocks.add(section(title + (runs.isEmpty() ? "\n" + none : "")));
        for (RunSummary run : runs.subList(0, Math.min(10, runs.size()))) {
            JsonObject s = section(truncate(runLine(run)));
            String commandLine = run.command() + " " + run.query();
            s.add("accessory", button("Re-run", "rerun_home", run.channel().orElse("") + "|"
                    + run.threadTs().orElse("") + "|" + commandLine, "primary"));
            blocks.add(s);
        }
    }

    private static String runLine(RunSummary run) {
        return statusEmoji(run.status().orElse(run.state())) + " `" + escape(run.command() + " " + run.query())
                + "` — " + escape(truncate(run.summary().orElse(run.state()), 140)) + " <!date^"
                + run.started().getEpochSecond() + "^{date_short_pretty} {time}|" + run.started() + ">"
                + threadLink(run);
    }

    private static String runList(String title, List<RunSummary> runs, String none) {
        StringBuilder sb = new StringBuilder(title).append('\n');
        if (runs.isEmpty()) {
            return sb.append(none).toString();
        }
        for (RunSummary run : runs.subList(0, Math.min(15, runs.size()))) {
            sb.append(runLine(run)).append('\n');
        }
        return sb.toString();
    }

    /** A link to the run's Slack thread, when it ran in Slack. */
    static String threadLink(RunSummary run) {
        if (run.channel().isEmpty()) {
            return "";
        }
        return " <https://slack.com/archives/" + run.channel().get() + "/p"
                + run.threadTs().orElse("").replace(".", "") + "|thread>";
    }

    private static String statusEmoji(String status) {
        return switch (status) {
            case "ok" -> emoji(Verdict.Status.OK);
            case "degraded" -> emoji(Verdict.Status.DEGRADED);
            case "failing" -> emoji(Verdict.Status.FAILING);
            case "inconclusive" -> emoji(Verdict.Status.INCONCLUSIVE);
            default -> ":hourglass_flowing_sand:";
        };
    }

    /** The answer to {@code history}: the runs with their verdicts, changes and threads. */
    static String history(List<RunSummary> runs) {
        StringBuilder sb = new StringBuilder();
        if (runs.isEmpty()) {
            return "No runs recorded yet.";
        }
        for (RunSummary run : runs) {
            sb.append(statusEmoji(run.status().orElse(run.state()))).append(" <!date^")
                    .append(run.started().getEpochSecond()).append("^{date_short_pretty} {time}|").append(run.started())
                    .append("> `").append(escape(run.command() + " " + run.query())).append("` by <@")
                    .append(run.requester()).append("> — ").append(escape(truncate(run.summary().orElse(run.state()),
                            200))).append(threadLink(run)).append('\n');
            run.changes().forEach(c -> sb.append("    ↳ ").append(escape(c)).append('\n'));
        }
        return truncate(sb.toString());
    }

    /** The finding's code, linked to its catalogue entry when the catalogue's address is configured. */
    private static String code(Finding f, String docs) {
        return docs.isEmpty() ? f.code().name() : "<" + docs + "#" + f.code().anchor() + "|" + f.code().name() + ">";
    }

    private static String severityIcon(Severity s) {
        return switch (s) {
            case INFO -> ":information_source:";
            case WARNING -> ":warning:";
            case ERROR -> ":x:";
            case CRITICAL -> ":rotating_light:";
        };
    }

    static JsonObject section(String mrkdwn) {
        JsonObject o = new JsonObject();
        o.addProperty("type", "section");
        JsonObject text = new JsonObject();
        text.addProperty("type", "mrkdwn");
        text.addProperty("text", mrkdwn);
        o.add("text", text);
        return o;
    }

    private static JsonObject context(String mrkdwn) {
        JsonObject o = new JsonObject();
        o.addProperty("type", "context");
        JsonArray elements = new JsonArray();
        JsonObject text = new JsonObject();
        text.addProperty("type", "mrkdwn");
        text.addProperty("text", truncate(mrkdwn));
        elements.add(text);
        o.add("elements", elements);
        return o;
    }

    private static JsonObject divider() {
        JsonObject o = new JsonObject();
        o.addProperty("type", "divider");
        return o;
    }

    private static JsonObject actions(JsonObject... buttons) {
        JsonObject o = new JsonObject();
        o.addProperty("type", "actions");
        JsonArray elements = new JsonArray();
        for (JsonObject b : buttons) {
            elements.add(b);
        }
        o.add("elements", elements);
        return o;
    }

    private static JsonObject button(String label, String actionId, String value, String style) {
        JsonObject o = new JsonObject();
        o.addProperty("type", "button");
        o.add("text", plain(label));
        o.addProperty("action_id", actionId);
        o.addProperty("value", value.length() > 2000 ? value.substring(0, 2000) : value);
        if (!style.isEmpty()) {
            o.addProperty("style", style);
        }
        return o;
    }

    private static JsonObject plain(String text) {
        JsonObject o = new JsonObject();
        o.addProperty("type", "plain_text");
        o.addProperty("text", text);
        return o;
    }

    /** Slack's mrkdwn escaping: &, < and > only. */
    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    private static String truncate(String s) {
        return truncate(s, SECTION_LIMIT);
    }

    private static String truncate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }
}
