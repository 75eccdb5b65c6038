package dev.mxdoctor.diagnosis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mxdoctor.diagnosis.AddressProbe.Outcome;
import dev.mxdoctor.smtp.SmtpReply;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** Verdicts from plain evidence: no sockets, no DNS. */
class MxVerdictTest {

    private static AddressProbe probe(String host, String address, Outcome outcome, String failure)
            throws Exception {
        boolean ok = outcome == Outcome.OK;
        return new AddressProbe(host, address, 25, outcome,
                ok ? Optional.empty() : Optional.of(Finding.Stage.CONNECT), Optional.ofNullable(failure),
                OptionalLong.of(3), ok ? OptionalLong.of(5) : OptionalLong.empty(),
                ok ? Optional.of(SmtpReply.parse(List.of("220 " + host + " ESMTP"))) : Optional.empty(),
                Optional.empty(), false, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
    }

    private static MxEvidence.Host host(int preference, String name, AddressProbe... probes) {
        DnsStatus ok = DnsStatus.answer(name);
        return new MxEvidence.Host(preference, name, false, false, Optional.empty(),
                List.of(probes).stream().map(AddressProbe::address).toList(), ok, ok, 300, List.of(probes));
    }

    private static Verdict verdict(MxEvidence.Host... hosts) {
        MxEvidence e = new MxEvidence("example.com", "192.0.2.53", DnsStatus.answer("MX"), List.of(hosts), false,
                Optional.empty(), List.of());
        List<Finding> findings = new java.util.ArrayList<>(MxRules.findings(e));
        for (AddressProbe p : e.probes()) {
            findings.addAll(ProbeRules.findings(p, java.time.Instant.EPOCH, java.time.Duration.ofSeconds(5)));
        }
        findings.addAll(ReachabilityRules.findings(e, Optional.empty()));
        return MxVerdict.of(e, findings);
    }

    @Test
    void of_ipv6WithoutRouteFromHere_doesNotDegradeADualStackHost() throws Exception {
        Verdict v = verdict(host(10, "mx1.example.com", probe("mx1.example.com", "192.0.2.10", Outcome.OK, null),
                probe("mx1.example.com", "2001:db8::10", Outcome.NO_ROUTE_HERE, "not probed: no IPv6 route")),
                host(20, "mx2.example.com", probe("mx2.example.com", "192.0.2.20", Outcome.OK, null)));
        assertThat(v.status()).isEqualTo(Verdict.Status.OK);
    }

    @Test
    void of_primaryRefusedBackupAnswers_isDegradedNamingBoth() throws Exception {
        Verdict v = verdict(host(10, "mx1.example.com", probe("mx1.example.com", "192.0.2.10", Outcome.REFUSED,
                "connection refused")), host(20, "mx2.example.com", probe("mx2.example.com", "192.0.2.20",
                Outcome.OK, null)));
        assertThat(v.status()).isEqualTo(Verdict.Status.DEGRADED);
        assertThat(v.summary()).isEqualTo("The primary MX mx1.example.com (connection refused) is down; mail flows "
                + "via mx2.example.com (preference 20).");
    }

    @Test
    void of_everyAddressTimesOutWithoutControlHost_isFailingAndSaysHowToCheckPort25() throws Exception {
        MxEvidence.Host h = host(10, "mx1.example.com", probe("mx1.example.com", "192.0.2.10", Outcome.TIMEOUT,
                "no answer to the connection attempt in 10 s"));
        Verdict v = verdict(h);
        assertThat(v.status()).isEqualTo(Verdict.Status.FAILING);
        MxEvidence e = new MxEvidence("example.com", "r", DnsStatus.answer("MX"), List.of(h), false,
                Optional.empty(), List.of());
        assertThat(ReachabilityRules.findings(e, Optional.empty())).singleElement()
                .satisfies(f -> assertThat(f.advice()).contains("MXDOCTOR_CONTROL_HOST"));
    }

    @Test
    void of_everyAddressTimesOutAndSoDoesTheControlHost_blamesOutboundPort25() throws Exception {
        MxEvidence.Host h = host(10, "mx1.example.com", probe("mx1.example.com", "192.0.2.10", Outcome.TIMEOUT,
                "no answer"));
        MxEvidence e = new MxEvidence("example.com", "r", DnsStatus.answer("MX"), List.of(h), false,
                Optional.empty(), List.of());
        AddressProbe control = probe("control mx.control.test", "198.51.100.25", Outcome.TIMEOUT, "no answer");
        List<Finding> findings = new java.util.ArrayList<>(ReachabilityRules.findings(e, Optional.of(control)));
        assertThat(findings).extracting(Finding::code).contains(FindingCode.PORT25_BLOCKED_OUTBOUND);
        assertThat(MxVerdict.of(e, findings).status()).isEqualTo(Verdict.Status.INCONCLUSIVE);
    }
}
