package dev.mxdoctor.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mxdoctor.diagnosis.Verdict;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class TextReportTest {

    private static String table(Report.MxEntry... entries) {
        Report r = new Report("mx", "example.com", "example.com", "192.0.2.53", Instant.EPOCH, 5,
                new Verdict(Verdict.Status.OK, "summary"), List.of(), List.of(entries), List.of(), List.of(),
                List.of());
        return new TextReport(false).render(r);
    }

    @Test
    void render_implicitMx_saysWhatItIsInsteadOfPreferenceZero() {
        String out = table(new Report.MxEntry(0, "example.com", true, 300, List.of("192.0.2.5"), List.of()));
        assertThat(out).containsPattern("\\n  -\\s+example\\.com \\(implicit: the domain's own address\\)\\s+300s");
    }

    @Test
    void render_equalPreferences_repeatTheNumberNotADittoMark() {
        String out = table(new Report.MxEntry(10, "a.example.com", false, 300, List.of("192.0.2.1"), List.of()),
                new Report.MxEntry(10, "b.example.com", false, 300, List.of("192.0.2.2"), List.of()));
        assertThat(out).containsPattern("\\n  10\\s+a\\.example\\.com").containsPattern("\\n  10\\s+b\\.example\\.com")
                .doesNotContain("\"");
    }

    @Test
    void render_ipLiteralMx_saysItIsNotUsedRatherThanNoAddress() {
        String out = table(new Report.MxEntry(10, "192.0.2.7", false, 300, List.of(), List.of()));
        assertThat(out).contains("(an IP address as MX name: not used)").doesNotContain("(no address)");
    }

    @Test
    void render_evidenceTheDetailAlreadyQuotes_isNotRepeated() {
        String reply = "550 5.1.1 <nobody@example.com>: Recipient address rejected";
        var quoted = dev.mxdoctor.diagnosis.Finding.of(dev.mxdoctor.diagnosis.FindingCode.RCPT_USER_UNKNOWN,
                dev.mxdoctor.diagnosis.Finding.Stage.RCPT, "mx.example.com", "mx.example.com answered: " + reply)
                .withEvidence(reply);
        var separate = dev.mxdoctor.diagnosis.Finding.of(dev.mxdoctor.diagnosis.FindingCode.TLS_CERT_UNTRUSTED,
                dev.mxdoctor.diagnosis.Finding.Stage.STARTTLS, "mx.example.com", "The certificate is not trusted.")
                .withEvidence("CN=mx.example.com");
        Report r = new Report("smtptest", "nobody@example.com", "nobody@example.com", "192.0.2.53", Instant.EPOCH, 5,
                new Verdict(Verdict.Status.FAILING, "summary"), List.of(quoted, separate), List.of(), List.of(),
                List.of(), List.of());
        String out = new TextReport(false).render(r);
        assertThat(out.split(java.util.regex.Pattern.quote(reply), -1)).hasSize(2); // once, in the detail
        assertThat(out).contains("evidence: CN=mx.example.com");
    }
}
