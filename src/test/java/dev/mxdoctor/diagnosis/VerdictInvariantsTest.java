package dev.mxdoctor.diagnosis;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class VerdictInvariantsTest {

    private static Finding f(FindingCode code) {
        return Finding.of(code, Finding.Stage.CONNECT, "mx.test", "detail");
    }

    @Test
    void okOverAnError_andDegradedBesideACritical_areViolations() {
        assertThat(VerdictInvariants.violations(new Verdict(Verdict.Status.OK, "fine"),
                List.of(f(FindingCode.TLS_HANDSHAKE_FAILED)))).containsExactly("OK over ERROR TLS_HANDSHAKE_FAILED");
        assertThat(VerdictInvariants.violations(new Verdict(Verdict.Status.DEGRADED, "meh"),
                List.of(f(FindingCode.MX_ALL_UNREACHABLE)))).containsExactly("DEGRADED beside CRITICAL "
                        + "MX_ALL_UNREACHABLE");
    }

    @Test
    void verdictsThatFollowFromTheirFindings_keepThem() {
        assertThat(VerdictInvariants.violations(new Verdict(Verdict.Status.OK, "fine"),
                List.of(f(FindingCode.TLS_NOT_OFFERED), f(FindingCode.RCPT_ACCEPTED)))).isEmpty();
        assertThat(VerdictInvariants.violations(new Verdict(Verdict.Status.FAILING, "down"),
                List.of(f(FindingCode.MX_ALL_UNREACHABLE)))).isEmpty();
        assertThat(VerdictInvariants.violations(new Verdict(Verdict.Status.DEGRADED, "slow"),
                List.of(f(FindingCode.MX_ALL_REFUSING_FOR_NOW)))).isEmpty();
    }

    @Test
    void failingOnNothingButInfo_isAViolation() {
        assertThat(VerdictInvariants.violations(new Verdict(Verdict.Status.FAILING, "down"),
                List.of(f(FindingCode.RCPT_ACCEPTED)))).containsExactly("FAILING resting on INFO findings only");
        assertThat(VerdictInvariants.violations(new Verdict(Verdict.Status.FAILING, "down"), List.of()))
                .containsExactly("FAILING resting on no finding");
    }

    @Test
    void upheld_raisesAVerdictToWhatItsFindingsDemand_andNeverLowersOne() {
        Verdict ok = new Verdict(Verdict.Status.OK, "Mail flows.");
        Verdict raised = VerdictInvariants.upheld(ok, List.of(f(FindingCode.TLS_HANDSHAKE_FAILED)));
        assertThat(raised.status()).isEqualTo(Verdict.Status.DEGRADED);
        assertThat(raised.summary()).isEqualTo("Mail flows. But: " + FindingCode.TLS_HANDSHAKE_FAILED.title() + ".");
        assertThat(VerdictInvariants.violations(raised, List.of(f(FindingCode.TLS_HANDSHAKE_FAILED)))).isEmpty();
        assertThat(VerdictInvariants.upheld(new Verdict(Verdict.Status.DEGRADED, "slow"),
                List.of(f(FindingCode.MX_ALL_UNREACHABLE))).status()).isEqualTo(Verdict.Status.FAILING);
        Verdict failing = new Verdict(Verdict.Status.FAILING, "down");
        assertThat(VerdictInvariants.upheld(failing, List.of(f(FindingCode.RCPT_ACCEPTED)))).isSameAs(failing);
        assertThat(VerdictInvariants.upheld(ok, List.of(f(FindingCode.TLS_NOT_OFFERED)))).isSameAs(ok);
    }
}
