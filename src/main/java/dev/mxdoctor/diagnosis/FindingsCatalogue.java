package dev.mxdoctor.diagnosis;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * Writes the findings catalogue, {@code docs/findings.md}, from {@link FindingCode}. A test keeps the file equal to
 * this output; regenerate with
 * {@code java -cp target/mxdoctor.jar dev.mxdoctor.diagnosis.FindingsCatalogue > docs/findings.md}.
 */
public final class FindingsCatalogue {

    private FindingsCatalogue() {}

    public static void main(String[] args) {
        System.out.print(markdown());
    }

    /** The whole catalogue as Markdown. */
    public static String markdown() {
        StringBuilder md = new StringBuilder();
        md.append("# Findings catalogue\n\n");
        md.append("Every finding mxdoctor reports has a stable code (the `code` of the JSON report). This page is\n");
        md.append("generated from `FindingCode.java`; a test fails when the two differ. Regenerate it with\n");
        md.append("`java -cp target/mxdoctor.jar dev.mxdoctor.diagnosis.FindingsCatalogue > docs/findings.md`.\n\n");
        md.append("Severity is the usual one; a rule may raise or lower it for a case (one backup host's failed\n");
        md.append("look-up is a warning, the only host's is an error). Each finding in a report also names the host,\n");
        md.append("address, stage and the exact record or reply that caused it.\n\n");
        for (FindingCode.Group g : FindingCode.Group.values()) {
            md.append("- [").append(g.title()).append("](#").append(slug(g.title())).append("): ");
            md.append(Arrays.stream(FindingCode.values()).filter(c -> c.group() == g)
                    .map(c -> "[`" + c.name() + "`](#" + c.anchor() + ")").collect(Collectors.joining(", ")));
            md.append('\n');
        }
        for (FindingCode.Group g : FindingCode.Group.values()) {
            md.append("\n## ").append(g.title()).append('\n');
            for (FindingCode c : FindingCode.values()) {
                if (c.group() != g) {
                    continue;
                }
                md.append("\n### ").append(c.name()).append("\n\n");
                md.append("**").append(c.title()).append("** · severity: ").append(c.severity().label());
                md.append(" · ").append(String.join(", ", c.refs())).append("\n\n");
                md.append(c.meaning()).append("\n\n");
                md.append("What to do: ").append(c.advice()).append('\n');
            }
        }
        return md.toString();
    }

    private static String slug(String title) {
        return title.toLowerCase(java.util.Locale.ROOT).replace(' ', '-');
    }
}
