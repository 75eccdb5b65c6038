package dev.mxdoctor.check;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mxdoctor.auth.Tlsa;
import dev.mxdoctor.command.CommandParser;
import dev.mxdoctor.command.Request;
import dev.mxdoctor.diagnosis.Finding;
import dev.mxdoctor.diagnosis.FindingCode;
import dev.mxdoctor.diagnosis.Verdict.Status;
import dev.mxdoctor.dns.UpstreamDnsClient;
import dev.mxdoctor.dns.ValidatingDnsClient;
import dev.mxdoctor.report.JsonReport;
import dev.mxdoctor.report.Report;
import dev.mxdoctor.report.TextReport;
import dev.mxdoctor.smtp.Cidr;
import dev.mxdoctor.smtp.Dialer;
import dev.mxdoctor.smtp.Pinger;
import dev.mxdoctor.smtp.TargetPolicy;
import dev.mxdoctor.smtp.Timeouts;
import dev.mxdoctor.smtp.TlsSettings;
import dev.mxdoctor.testing.FakeDnsServer;
import dev.mxdoctor.testing.FakeSmtpServer;
import dev.mxdoctor.testing.SignedZones;
import dev.mxdoctor.testing.TestCertificates;
import dev.mxdoctor.testing.Zones;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * DANE in {@code auth} and {@code mx}: zones signed for the test (a test trust anchor, validated by dnsjava's validating
 * resolver), in-process mail servers presenting a test certificate over STARTTLS, and TLSA records that match it,
 * do not, or cannot be trusted.
 */
class DaneTest {

    private static final Timeouts FAST = new Timeouts(Duration.ofSeconds(2), Duration.ofSeconds(2),
            Duration.ofSeconds(2), Duration.ofSeconds(2), Duration.ofSeconds(5));

    private static final List<FakeSmtpServer> smtp = new ArrayList<>();
    private static FakeDnsServer dns;
    private static FakeDnsServer stripping;
    private static ExecutorService executor;
    private static String anchors;
    private static String goodTlsa;
    private static ValidatingDnsClient validating;

    @BeforeAll
    static void start() throws Exception {
        executor = Executors.newVirtualThreadPerTaskExecutor();
        Path dir = Files.createTempDirectory("dane");
        TestCertificates.Identity id = TestCertificates.selfSigned(dir, "mx.dane.test", null, 30);
        X509Certificate cert;
        try (InputStream in = Files.newInputStream(id.certificatePem())) {
            cert = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
        goodTlsa = Tlsa.endEntity(cert).full();
        String wrongTlsa = "3 1 1 " + "ab".repeat(32);
        smtp.addAll(FakeSmtpServer.onSamePort("127.0.3.61", "127.0.3.62"));
        smtp.get(0).tls(id.serverContext());
        SignedZones.Signed dane = SignedZones.sign(Zones.zone("dane.test",
                "good MX 10 mx.good", "mx.good A 127.0.3.61", "_25._tcp.mx.good TLSA " + goodTlsa,
                "wrong MX 10 mx.wrong", "mx.wrong A 127.0.3.61", "_25._tcp.mx.wrong TLSA " + wrongTlsa,
                "plain MX 10 mx.plain", "mx.plain A 127.0.3.62", "_25._tcp.mx.plain TLSA " + goodTlsa,
                "pkix MX 10 mx.pkix", "mx.pkix A 127.0.3.61", "_25._tcp.mx.pkix TLSA 1 1 1 " + "cd".repeat(32),
                "none MX 10 mx.none", "mx.none A 127.0.3.61",
                "implicit A 127.0.3.61", "_25._tcp.implicit TLSA " + wrongTlsa));
        Instant now = Instant.now();
        SignedZones.Signed stale = SignedZones.sign(Zones.zone("stale.test", "@ MX 10 mx", "mx A 127.0.3.61",
                "_25._tcp.mx TLSA " + goodTlsa), now.minus(Duration.ofDays(60)), now.minus(Duration.ofDays(30)));
        String open = Zones.zone("open.test", "@ MX 10 mx", "mx A 127.0.3.61", "_25._tcp.mx TLSA " + goodTlsa);
        anchors = dane.anchor() + stale.anchor();
        dns = FakeDnsServer.start(dane.zoneText(), stale.zoneText(), open);
        stripping = FakeDnsServer.start(dane.zoneText()).stripDnssec();
        validating = new ValidatingDnsClient(anchors.getBytes(StandardCharsets.US_ASCII), Duration.ofMillis(500),
                executor, System::nanoTime, Clock.systemUTC());
    }

    @AfterAll
    static void stop() {
        smtp.forEach(FakeSmtpServer::close);
        dns.close();
        stripping.close();
        executor.shutdownNow();
    }

    private static Report run(String command, FakeDnsServer server) throws Exception {
        Request.Auth request = (Request.Auth) new CommandParser().parse(command).request();
        SmtpSettings settings = new SmtpSettings(new Dialer(new TargetPolicy(List.of(Cidr.parse("127.0.0.0/8")),
                p -> true)), TlsSettings.load(Optional.empty()), FAST, Pinger.DISABLED, smtp.get(0).port(),
                "mxdoctor.test", "postmaster@mxdoctor.test", false, List.of(), Optional.empty());
        Report r = new AuthCheck(new UpstreamDnsClient(Duration.ofMillis(500), 1, executor, System::nanoTime),
                new Resolvers(List.of(server.address()), Resolvers.policy(List.of(), List.of())), Clock.systemUTC(),
                System::nanoTime, Optional.empty(), Optional.of(new AuthCheck.Dane(validating, Optional.of(settings),
                executor))).run(request, Duration.ofSeconds(10), Progress.NONE);
        JsonReport.render(r);
        new TextReport(false).render(r);
        assertThat(dev.mxdoctor.diagnosis.VerdictInvariants.violations(r.verdict(), r.findings())).isEmpty();
        return r;
    }

    private static Report mx(String domain) throws Exception {
        return mx(domain, validating);
    }

    private static Report mx(String domain, ValidatingDnsClient validating) throws Exception {
        SmtpSettings settings = new SmtpSettings(new Dialer(new TargetPolicy(List.of(Cidr.parse("127.0.0.0/8")),
                p -> true)), TlsSettings.load(Optional.empty()), FAST, Pinger.DISABLED, smtp.get(0).port(),
                "mxdoctor.test", "postmaster@mxdoctor.test", false, List.of(), Optional.empty());
        Report r = new MxCheck(new UpstreamDnsClient(Duration.ofMillis(500), 1, executor, System::nanoTime),
                new Resolvers(List.of(dns.address()), Resolvers.policy(List.of(Cidr.parse("127.0.0.0/8")),
                List.of())), dns.port(), Optional.of(settings), executor, Clock.systemUTC(), System::nanoTime,
                Optional.of(validating)).run((Request.Mx) new CommandParser().parse("mx " + domain).request(),
                Duration.ofSeconds(10), Progress.NONE);
        JsonReport.render(r);
        assertThat(dev.mxdoctor.diagnosis.VerdictInvariants.violations(r.verdict(), r.findings())).isEmpty();
        return r;
    }

    @Test
    void mx_comparesTheCertificateItsProbeSaw_andFailsForDaneSendersOnAMismatch() throws Exception {
        int before = smtp.get(0).connections();
        Report r = mx("wrong.dane.test");
        assertThat(smtp.get(0).connections() - before).as("one connection: the probe's").isEqualTo(1);
        assertThat(r.verdict().status()).isEqualTo(Status.FAILING);
        assertThat(r.verdict().summary()).startsWith("Mail to wrong.dane.test fails from senders that use DANE: the "
                + "TLSA records of mx.wrong.dane.test do not match the certificate it presents").contains("Senders "
                + "without DANE are not affected: ");
        assertThat(dane(r)).extracting(Finding::code).containsExactly(FindingCode.DANE_TLSA_MISMATCH);
        assertThat(r.policy()).contains("DANE mx.wrong.dane.test TLSA secure, 1 of 1 addresses not matching");
    }

    @Test
    void mx_saysWhenDaneMatches_andAsksNothingValidatedWhereNoTlsaIsPublished() throws Exception {
        Report good = mx("good.dane.test");
        assertThat(dane(good)).isEmpty();
        assertThat(good.verdict().status()).isEqualTo(Status.OK);
        assertThat(good.policy()).contains("DANE mx.good.dane.test TLSA secure and matching");
        Report none = mx("none.dane.test");
        assertThat(none.policy()).contains("DANE no (auth none.dane.test reads them)");
        assertThat(none.dns()).noneMatch(x -> x.authenticated());
    }

    @Test
    void mx_whenJudgingDaneFails_keepsItsAnswer_andSaysDaneWasNotJudged() throws Exception {
        ValidatingDnsClient broken = new ValidatingDnsClient("not a zone file".getBytes(StandardCharsets.US_ASCII),
                Duration.ofMillis(500), executor, System::nanoTime, Clock.systemUTC());
        Report r = mx("wrong.dane.test", broken);
        assertThat(r.verdict().status()).isEqualTo(Status.OK);
        assertThat(r.mx()).singleElement().satisfies(m -> assertThat(m.probes()).isNotEmpty());
        assertThat(r.policy()).contains("DANE not judged (mxdoctor failed internally, error id ");
    }

    @Test
    void auth_whenJudgingDaneFails_keepsTheOtherParts_andSaysDaneWasNotJudged() throws Exception {
        ValidatingDnsClient broken = new ValidatingDnsClient("not a zone file".getBytes(StandardCharsets.US_ASCII),
                Duration.ofMillis(500), executor, System::nanoTime, Clock.systemUTC());
        Request.Auth request = (Request.Auth) new CommandParser().parse("auth good.dane.test").request();
        Report r = new AuthCheck(new UpstreamDnsClient(Duration.ofMillis(500), 1, executor, System::nanoTime),
                new Resolvers(List.of(dns.address()), Resolvers.policy(List.of(), List.of())), Clock.systemUTC(),
                System::nanoTime, Optional.empty(), Optional.of(new AuthCheck.Dane(broken, Optional.empty(),
                executor))).run(request, Duration.ofSeconds(10), Progress.NONE);
        assertThat(r.verdict().summary()).contains("SPF: none").contains("DANE: not judged (mxdoctor failed "
                + "internally, error id ");
    }

    private static List<Finding> dane(Report r) {
        return r.findings().stream().filter(f -> f.code().name().startsWith("DANE_")
                || f.code() == FindingCode.DNSSEC_BOGUS).toList();
    }

    private static String daneSummary(Report r) {
        String s = r.verdict().summary();
        return s.substring(s.indexOf("DANE: "));
    }

    @Test
    void secureRecordsMatchingTheCertificate_areNoFinding() throws Exception {
        Report r = run("auth good.dane.test", dns);
        assertThat(dane(r)).isEmpty();
        assertThat(daneSummary(r)).startsWith("DANE: mx.good.dane.test TLSA secure and matching");
        assertThat(r.records()).anySatisfy(l -> {
            assertThat(l.name()).isEqualTo("_25._tcp.mx.good.dane.test.");
            assertThat(l.type()).isEqualTo("TLSA");
        });
        // The handshake is in the transcript, and the validated questions among the DNS exchanges.
        assertThat(r.transcript()).anySatisfy(l -> assertThat(l.line()).isEqualTo("STARTTLS"));
        assertThat(r.dns()).anySatisfy(x -> {
            assertThat(x.question()).isEqualTo("_25._tcp.mx.good.dane.test. TLSA");
            assertThat(x.authenticated()).isTrue();
        });
    }

    @Test
    void secureRecordsNotMatching_areCritical_andGiveTheRecordToPublish() throws Exception {
        Report r = run("auth wrong.dane.test", dns);
        assertThat(r.verdict().status()).isEqualTo(Status.FAILING);
        assertThat(r.verdict().summary()).contains("the TLSA records of mx.wrong.dane.test do not match the "
                + "certificate it presents, so senders that use DANE do not deliver to it");
        assertThat(dane(r)).singleElement().satisfies(f -> {
            assertThat(f.code()).isEqualTo(FindingCode.DANE_TLSA_MISMATCH);
            assertThat(f.address()).isEqualTo("127.0.3.61");
            assertThat(f.detail()).contains("none of 1 usable record (3 1 1 abababab…abababab) matches")
                    .contains("Publish `_25._tcp.mx.wrong.dane.test. IN TLSA " + goodTlsa + "`");
        });
    }

    @Test
    void secureRecordsForAHostWithoutStarttls_meanDaneSendersCannotDeliver() throws Exception {
        Report r = run("auth plain.dane.test", dns);
        assertThat(r.verdict().status()).isEqualTo(Status.FAILING);
        assertThat(dane(r)).singleElement().satisfies(f -> {
            assertThat(f.code()).isEqualTo(FindingCode.DANE_TLS_UNAVAILABLE);
            assertThat(f.detail()).contains("mx.plain.dane.test [127.0.3.62] publishes DANE TLSA records but it "
                    + "does not offer STARTTLS");
        });
    }

    @Test
    void onlyPkixUsages_areUnusableForSmtp_andNoConnectionIsMade() throws Exception {
        int before = smtp.get(0).connections();
        Report r = run("auth pkix.dane.test", dns);
        assertThat(dane(r)).extracting(Finding::code).containsExactly(FindingCode.DANE_TLSA_UNUSABLE);
        assertThat(smtp.get(0).connections()).isEqualTo(before);
    }

    @Test
    void withoutMxRecords_theDomainItselfIsTheHost_andItsTlsaIsCompared() throws Exception {
        Report r = run("auth implicit.dane.test", dns);
        assertThat(dane(r)).singleElement().satisfies(f -> {
            assertThat(f.code()).isEqualTo(FindingCode.DANE_TLSA_MISMATCH);
            assertThat(f.host()).isEqualTo("implicit.dane.test");
        });
    }

    @Test
    void mx_withoutMxRecords_comparesTheDomainsOwnTlsa() throws Exception {
        Report r = mx("implicit.dane.test");
        assertThat(dane(r)).extracting(Finding::code).containsExactly(FindingCode.DANE_TLSA_MISMATCH);
        assertThat(r.verdict().status()).isEqualTo(Status.FAILING);
    }

    @Test
    void noTlsaRecords_isNoFinding_butSaidInTheSummary() throws Exception {
        Report r = run("auth none.dane.test", dns);
        assertThat(dane(r)).isEmpty();
        assertThat(daneSummary(r)).startsWith("DANE: mx.none.dane.test no TLSA");
    }

    @Test
    void tlsaInAnUnsignedZone_protectsNothing() throws Exception {
        Report r = run("auth open.test", dns);
        assertThat(dane(r)).singleElement().satisfies(f -> {
            assertThat(f.code()).isEqualTo(FindingCode.DANE_TLSA_INSECURE);
            assertThat(f.detail()).contains("the MX records of open.test are not DNSSEC-secure");
        });
    }

    @Test
    void expiredSignatures_areBogus_andCritical() throws Exception {
        Report r = run("auth stale.test", dns);
        assertThat(r.verdict().status()).isEqualTo(Status.FAILING);
        assertThat(dane(r)).singleElement().satisfies(f -> {
            assertThat(f.code()).isEqualTo(FindingCode.DNSSEC_BOGUS);
            assertThat(f.detail()).startsWith("The answer to stale.test. MX fails DNSSEC validation (");
        });
    }

    @Test
    void aResolverThatStripsSignatures_blamesTheResolver_notTheDomain() throws Exception {
        Report r = run("auth good.dane.test", stripping);
        assertThat(dane(r)).singleElement().satisfies(f -> {
            assertThat(f.code()).isEqualTo(FindingCode.DANE_UNVERIFIED);
            assertThat(f.detail()).contains("asked for dane.test. DNSKEY with the DO bit").contains("returns no "
                    + "signatures");
        });
        assertThat(r.verdict().summary()).doesNotContain("DNSSEC validation fails");
    }

    @Test
    void repeatedRuns_onOneValidator_giveTheSameAnswer() throws Exception {
        for (int i = 0; i < 3; i++) {
            assertThat(dane(run("auth wrong.dane.test", dns))).extracting(Finding::code)
                    .containsExactly(FindingCode.DANE_TLSA_MISMATCH);
        }
    }
}
