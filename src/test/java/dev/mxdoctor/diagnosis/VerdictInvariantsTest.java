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
}
