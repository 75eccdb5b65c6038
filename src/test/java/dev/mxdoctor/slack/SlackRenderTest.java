package dev.mxdoctor.slack;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonElement;
import dev.mxdoctor.diagnosis.Finding;
import dev.mxdoctor.diagnosis.FindingCode;
import dev.mxdoctor.diagnosis.Verdict;
import dev.mxdoctor.report.Report;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SlackRenderTest {

    private static Report report(int transcriptLines) {
        List<Report.TranscriptLine> lines = new ArrayList<>();
        for (int i = 0; i < transcriptLines; i++) {
            String host = "mx" + (i / 500) + ".example.com";
            lines.add(new Report.TranscriptLine(host, "192.0.2." + (i / 500), i, i % 2 == 0 ? 'C' : 'S',
                    "line " + i + " " + "x".repeat(60) + (i % 7 == 0 ? " <tag> & more" : "")));
        }
        Finding f = Finding.of(FindingCode.RCPT_USER_UNKNOWN, Finding.Stage.RCPT, "mx0.example.com", "unknown")
                .withAddress("192.0.2.0").withEvidence("line 11 " + "x".repeat(60));
        return new Report("smtptest", "a@example.com", "a@example.com", "192.0.2.53", Instant.EPOCH, 1234,
                new Verdict(Verdict.Status.FAILING, "a@example.com does not exist."), List.of(f), List.of(),
                List.of(), lines, List.of());
    }

    @Test
    void thread_longTranscript_isSplitWithinSlackLimitsAndKeepsEveryLineInOrder() {
        List<SlackRender.Message> messages = SlackRender.thread(report(2000), "");
        assertThat(messages.size()).isGreaterThan(3);
        StringBuilder all = new StringBuilder();
        for (SlackRender.Message m : messages) {
            assertThat(m.blocksJson().length()).isLessThan(12_000);
            assertThat(m.blocks().size()).isLessThanOrEqualTo(50);
            for (JsonElement b : m.blocks()) {
                String text = b.getAsJsonObject().getAsJsonObject("text").get("text").getAsString();
                assertThat(text.length()).isLessThanOrEqualTo(3000);
                all.append(text);
            }
        }
        int previous = -1;
        for (int i = 0; i < 2000; i++) {
            int at = all.indexOf("line " + i + " ");
            assertThat(at).as("line %d", i).isGreaterThan(previous);
            previous = at;
        }
        assertThat(all).contains("&lt;tag&gt; &amp; more").doesNotContain("<tag>");
    }

    @Test
    void thread_findingPointsAtThePartAndLineOfItsReply() {
        String first = SlackRender.thread(report(40), "").get(0).blocksJson();
        assertThat(first).contains("RCPT_USER_UNKNOWN").contains("(transcript part 1, line 12)");
    }

    @Test
    void summary_hasStatusAskerAndReRun() {
        String blocks = SlackRender.summary(report(3), "smtptest a@example.com", "U1", "", "https://docs.test/f",
                List.of("verdict ok → failing (it was ok at 13:40)"))
                .blocksJson();
        assertThat(blocks).contains(":red_circle: *FAILING*").contains("asked by <@U1>").contains("\"rerun\"")
                .contains("<https://docs.test/f#rcpt_user_unknown|RCPT_USER_UNKNOWN>").contains("1.2 s")
                .contains("What changed since the previous run").contains("verdict ok → failing");
    }

    @Test
    void mxTable_saysWhatAnImplicitMxAndAnIpLiteralAre_asTheTerminalDoes() {
        String table = SlackRender.mxTable(List.of(
                new Report.MxEntry(0, "example.com", true, 300, List.of("192.0.2.5"), List.of()),
                new Report.MxEntry(10, "192.0.2.7", false, 300, List.of(), List.of()),
                new Report.MxEntry(20, "ghost.example.com", false, 300, List.of(), List.of())));
        assertThat(table.lines()).containsExactly(
                "-    example.com (implicit: the domain's own address) 192.0.2.5",
                "10   192.0.2.7 (an IP address as MX name: not used)",
                "20   ghost.example.com (no address)");
    }
}
