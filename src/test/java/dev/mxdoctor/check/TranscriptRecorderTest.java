package dev.mxdoctor.check;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mxdoctor.report.Report.TranscriptLine;
import dev.mxdoctor.smtp.SmtpListener;
import java.util.List;
import org.junit.jupiter.api.Test;

class TranscriptRecorderTest {

    private final TranscriptRecorder recorder = new TranscriptRecorder(() -> 0L, 0L);
    private final SmtpListener listener = recorder.listener("mx.test", "192.0.2.1");

    private List<String> shown() {
        return recorder.lines().stream().map(l -> l.dir() + " " + l.line()).toList();
    }

    @Test
    void endlessReply_isCutToItsFirstLinesACountAndItsLastLine() {
        listener.sent("EHLO mxdoctor.test");
        for (int i = 0; i < 10_000; i++) {
            listener.received("250-X-EXTENSION-" + i);
        }
        listener.received("250 END");
        listener.sent("QUIT");
        List<String> shown = shown();
        assertThat(shown).hasSize(1 + TranscriptRecorder.REPLY_LINES_KEPT + 1 + 1 + 1);
        assertThat(shown.get(TranscriptRecorder.REPLY_LINES_KEPT)).isEqualTo("S 250-X-EXTENSION-19");
        assertThat(shown).containsSubsequence("S 250-X-EXTENSION-19", "I … 9980 more lines of this reply not shown",
                "S 250 END", "C QUIT");
    }

    @Test
    void ordinaryReplies_areKeptWhole_andAReplyCutOffByTheServerStillSaysWhatWasLeftOut() {
        listener.received("220 mx.test ESMTP");
        listener.sent("EHLO mxdoctor.test");
        for (int i = 0; i < 12; i++) {
            listener.received("250-EXT" + i);
        }
        listener.received("250 LAST");
        assertThat(shown()).hasSize(15).doesNotContain("I … ");
        listener.sent("RSET");
        for (int i = 0; i < 30; i++) {
            listener.received("250-MORE" + i);
        }
        listener.closed(); // the server hung up in the middle of its reply
        assertThat(shown()).endsWith("I … 10 more lines of this reply not shown", "I connection closed");
        assertThat(recorder.lines()).extracting(TranscriptLine::host).containsOnly("mx.test");
    }
}
