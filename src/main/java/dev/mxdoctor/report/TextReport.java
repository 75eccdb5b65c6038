package dev.mxdoctor.report;

import dev.mxdoctor.diagnosis.AddressProbe;
import dev.mxdoctor.diagnosis.Finding;
import dev.mxdoctor.diagnosis.Severity;
import dev.mxdoctor.diagnosis.Verdict;
import java.util.Comparator;
import java.util.List;

/** Renders a {@link Report} for a terminal: verdict first, then the table, the findings and the DNS exchanges. */
public final class TextReport {

    private static final String RESET = "\u001b[0m";

    private final boolean colour;

    /** @param colour whether to use ANSI colours (only on a terminal, and not when NO_COLOR is set) */
    public TextReport(boolean colour) {
        this.colour = colour;
    }

    public String render(Report r) {
        StringBuilder out = new StringBuilder();
        out.append(verdictLine(r.verdict())).append('\n');
        out.append(dim(r.command() + " " + r.queryDisplay() + " · resolver " + r.resolver() + " · "
                + r.elapsedMs() + " ms")).append("\n\n");
        if (!r.mx().isEmpty()) {
            mxTable(r.mx(), out);
            out.append('\n');
        }
        if (!r.policy().isEmpty()) {
            out.append("  Policy: ").append(r.policy()).append("\n\n");
        }
        if (r.command().equals("dns") || (r.command().equals("auth") && !r.records().isEmpty())) {
            records(r, out);
            out.append('\n');
        }
        if (!r.listings().isEmpty()) {
            listings(r.listings(), out);
            out.append('\n');
        }
        List<Report.TranscriptLine> shown = TranscriptRefs.byDialogue(r.transcript());
        findings(r.findings(), shown, out);
        if (!shown.isEmpty()) {
            transcript(shown, out);
        }
        if (!r.dns().isEmpty()) {
            out.append(bold("DNS queries")).append('\n');
            for (Report.DnsExchange x : r.dns()) {
                out.append(String.format("  %5d ms  %-40s %-9s %s%s%n", x.atMs(), x.question(), x.status(),
                        x.server().isEmpty() ? "" : "from " + x.server() + " in " + x.rttMs() + " ms",
                        flags(x)));
            }
        }
        return out.toString();
    }

    /** One line a list and subject: listed ones first, each with its meaning, reason and where to ask removal. */
    private void listings(List<Report.Listing> listings, StringBuilder out) {
        int subjectWidth = Math.max(7, listings.stream().mapToInt(l -> l.subject().length()).max().orElse(7));
        int listWidth = Math.max(4, listings.stream().mapToInt(l -> l.list().length()).max().orElse(4));
        String format = "  %-" + subjectWidth + "s  %-" + listWidth + "s  %-11s %s%n";
        out.append(bold(String.format(format, "SUBJECT", "LIST", "STATUS", "MEANING")));
        List<Report.Listing> ordered = listings.stream().sorted(Comparator.comparing((Report.Listing l) ->
                !l.status().equals("listed"))).toList();
        for (Report.Listing l : ordered) {
            String line = String.format(format, l.subject(), l.list(), l.status(), l.meaning());
            // Painted after padding: escape codes would count as width
            out.append(l.status().equals("listed") ? line.replaceFirst(" listed ", " " + paint("\u001b[31m",
                    "listed") + " ") : line);
            l.reason().ifPresent(reason -> out.append(String.format(format, "", "", "", "reason: " + reason)));
            l.removal().ifPresent(removal -> out.append(String.format(format, "", "", "", "removal: " + removal)));
        }
    }

    private static String flags(Report.DnsExchange x) {
        StringBuilder f = new StringBuilder();
        if (x.authoritative()) {
            f.append(" aa");
        }
        if (x.authenticated()) {
            f.append(" ad");
        }
        if (x.tcp()) {
            f.append(" tcp");
        }
        return f.isEmpty() ? "" : " [" + f.toString().strip() + "]";
    }

    private void mxTable(List<Report.MxEntry> mx, StringBuilder out) {
        boolean probed = mx.stream().anyMatch(m -> !m.probes().isEmpty());
        if (!probed) {
            int hostWidth = Math.max(4, mx.stream().mapToInt(m -> m.hostText().length()).max().orElse(4));
            String format = "  %-5s %-" + hostWidth + "s  %7s  %s%n";
            out.append(bold(String.format(format, "PREF", "HOST", "TTL", "ADDRESSES")));
            for (Report.MxEntry m : mx) {
                String addresses = m.addressesText();
                out.append(String.format(format, m.preferenceText(), m.hostText(), m.ttl() + "s", addresses));
            }
            return;
        }
        int hostWidth = Math.max(4, mx.stream().mapToInt(m -> m.hostText().length()).max().orElse(4));
        int addressWidth = Math.max(7, mx.stream().flatMap(m -> m.addresses().stream()).mapToInt(String::length)
                .max().orElse(7));
        String format = "  %-5s %-" + hostWidth + "s %6s  %-" + addressWidth + "s  %-15s %8s %9s  %s%n";
        out.append(bold(String.format(format, "PREF", "HOST", "TTL", "ADDRESS", "PORT 25", "CONNECT", "GREETING",
                "TLS")));
        for (Report.MxEntry m : mx) {
            String pref = m.preferenceText();
            String host = m.hostText();
            if (m.probes().isEmpty()) {
                out.append(String.format(format, pref, host, m.ttl() + "s", m.addressesText(), "", "", "", ""));
                continue;
            }
            boolean first = true;
            for (AddressProbe p : m.probes()) {
                out.append(String.format(format, first ? pref : "", first ? host : "", first ? m.ttl() + "s" : "",
                        p.address(), outcome(p), p.connectMs().isPresent() ? p.connectMs().getAsLong() + " ms" : "",
                        p.greetingMs().isPresent() ? p.greetingMs().getAsLong() + " ms" : "", tls(p)));
                first = false;
            }
        }
    }

    private String outcome(AddressProbe p) {
        String label = p.outcome().label();
        return p.outcome() == AddressProbe.Outcome.OK ? paint("\u001b[32m", String.format("%-15s", label))
                : paint("\u001b[31m", String.format("%-15s", label));
    }

    private static String tls(AddressProbe p) {
        if (p.tls().isPresent()) {
            var t = p.tls().get();
            return t.protocol() + (t.trusted() ? "" : ", untrusted") + (t.namesHost() ? "" : ", wrong name");
        }
        if (p.tlsFailure().isPresent()) {
            return "handshake failed";
        }
        if (p.outcome() == AddressProbe.Outcome.OK) {
            return p.capabilities().map(c -> c.has("STARTTLS")).orElse(false) ? "offered" : "none";
        }
        return "";
    }

    /** Numbered lines, with a heading where a new dialogue starts. */
    private void transcript(List<Report.TranscriptLine> lines, StringBuilder out) {
        out.append(bold("Transcript")).append('\n');
        String current = null;
        for (int i = 0; i < lines.size(); i++) {
            Report.TranscriptLine t = lines.get(i);
            String who = t.host() + (t.address().isEmpty() ? "" : " [" + t.address() + "]");
            if (!who.equals(current)) {
                out.append("  ").append(dim("── " + who)).append('\n');
                current = who;
            }
            String arrow = switch (t.dir()) {
                case 'C' -> "C:";
                case 'S' -> "S:";
                default -> "  ";
            };
            String line = t.dir() == 'I' ? dim("* " + t.line()) : t.line();
            out.append(String.format("  %4d %6d ms %s %s%n", i + 1, t.atMs(), arrow, line));
        }
        out.append('\n');
    }

    private static void records(Report r, StringBuilder out) {
        if (r.records().isEmpty()) {
            out.append("  (no records)\n");
            return;
        }
        int nameWidth = r.records().stream().mapToInt(l -> l.name().length()).max().orElse(1);
        for (Report.RecordLine l : r.records()) {
            out.append(String.format("  %-" + nameWidth + "s %7d IN %-6s %s%n", l.name(), l.ttl(), l.type(),
                    l.data()));
        }
    }

    private void findings(List<Finding> findings, List<Report.TranscriptLine> shown, StringBuilder out) {
        if (findings.isEmpty()) {
            return;
        }
        out.append(bold("Findings")).append('\n');
        findings.stream()
                .sorted(Comparator.comparing(Finding::severity).reversed())
                .forEach(f -> {
                    out.append("  ").append(severity(f.severity())).append(' ').append(f.code().name());
                    if (f.host() != null) {
                        out.append("  ").append(f.host());
                    }
                    if (f.address() != null) {
                        out.append(" [").append(f.address()).append(']');
                    }
                    out.append('\n');
                    out.append(indent(f.detail(), "      ")).append('\n');
                    // The reply is told once: when the detail already quotes it, the evidence line would repeat it.
                    if (f.evidence() != null && !f.detail().contains(f.evidence())) {
                        out.append("      evidence: ").append(f.evidence()).append('\n');
                    }
                    out.append(indent("→ " + f.advice(), "      ")).append('\n');
                    String line = TranscriptRefs.of(f, shown).stream().mapToObj(i -> "transcript line " + (i + 1)
                            + " · ").findFirst().orElse("");
                    out.append(dim("      " + line + "docs/findings.md#" + f.code().anchor())).append('\n');
                });
        out.append('\n');
    }

    private static String indent(String text, String prefix) {
        return prefix + text.replace("\n", "\n" + prefix);
    }

    private String verdictLine(Verdict v) {
        String label = v.status().label().toUpperCase(java.util.Locale.ROOT);
        String code = switch (v.status()) {
            case OK -> "\u001b[1;32m";
            case DEGRADED -> "\u001b[1;33m";
            case FAILING -> "\u001b[1;31m";
            case INCONCLUSIVE -> "\u001b[1;35m";
        };
        return paint(code, label) + "  " + v.summary();
    }

    private String severity(Severity s) {
        String label = String.format("%-8s", s.label().toUpperCase(java.util.Locale.ROOT));
        String code = switch (s) {
            case INFO -> "\u001b[36m";
            case WARNING -> "\u001b[33m";
            case ERROR -> "\u001b[31m";
            case CRITICAL -> "\u001b[1;31m";
        };
        return paint(code, label);
    }

    private String bold(String s) {
        return paint("\u001b[1m", s);
    }

    private String dim(String s) {
        return paint("\u001b[2m", s);
    }

    private String paint(String code, String s) {
        return colour ? code + s + RESET : s;
    }
}
