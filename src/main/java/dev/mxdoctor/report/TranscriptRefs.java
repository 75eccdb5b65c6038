package dev.mxdoctor.report;

import dev.mxdoctor.diagnosis.Finding;
import java.util.List;
import java.util.OptionalInt;

/** Finds the transcript line a finding comes from, so renderers can point at it. Pure. */
public final class TranscriptRefs {

    private TranscriptRefs() {}

    /** The transcript grouped by dialogue, in the order the dialogues began; each keeps its own order. */
    public static List<Report.TranscriptLine> byDialogue(List<Report.TranscriptLine> lines) {
        java.util.Map<String, List<Report.TranscriptLine>> dialogues = new java.util.LinkedHashMap<>();
        for (Report.TranscriptLine t : lines) {
            dialogues.computeIfAbsent(t.host() + " " + t.address(), k -> new java.util.ArrayList<>()).add(t);
        }
        return dialogues.values().stream().flatMap(List::stream).toList();
    }

    /**
     * The index in {@code transcript} of the line behind {@code f}: the server's reply line quoted in its evidence,
     * else mxdoctor's last note on that dialogue (a timeout, a refusal, a TLS failure). Empty for findings that
     * are not about one dialogue.
     */
    public static OptionalInt of(Finding f, List<Report.TranscriptLine> transcript) {
        if (f.host() == null || f.address() == null) {
            return OptionalInt.empty();
        }
        int lastNote = -1;
        for (int i = 0; i < transcript.size(); i++) {
            Report.TranscriptLine t = transcript.get(i);
            if (!t.host().equals(f.host()) || !t.address().equals(f.address())) {
                continue;
            }
            if (t.dir() == 'S' && f.evidence() != null && f.evidence().contains(t.line())) {
                return OptionalInt.of(i);
            }
            if (t.dir() == 'I' && !t.line().equals("connection closed")) {
                lastNote = i;
            }
        }
        return lastNote >= 0 ? OptionalInt.of(lastNote) : OptionalInt.empty();
    }
}
