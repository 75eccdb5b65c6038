package dev.mxdoctor.check;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mxdoctor.command.CommandParser;
import dev.mxdoctor.command.Request;
import dev.mxdoctor.diagnosis.Finding;
import dev.mxdoctor.diagnosis.FindingCode;
import dev.mxdoctor.diagnosis.Severity;
import dev.mxdoctor.diagnosis.Verdict.Status;
import dev.mxdoctor.dns.UpstreamDnsClient;
import dev.mxdoctor.report.JsonReport;
import dev.mxdoctor.report.Report;
import dev.mxdoctor.report.TextReport;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.mxdoctor.smtp.Cidr;
import dev.mxdoctor.smtp.TargetPolicy;
import dev.mxdoctor.smtp.TlsSettings;
import dev.mxdoctor.testing.FakeDnsServer;
import dev.mxdoctor.testing.TestCertificates;
import java.nio.file.Path;
import dev.mxdoctor.testing.Zones;
import java.net.InetSocketAddress;
import java.security.KeyPairGenerator;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The auth command on an in-process DNS server holding good, heavy, duplicated, broken and lax records. */
class AuthCheckTest {

    private static FakeDnsServer dns;
    private static ExecutorService executor;

    /** A DKIM TXT record of an RSA key of {@code bits}, split into strings of at most 255 characters. */
    private static String dkim(int bits) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(bits);
        String p = Base64.getEncoder().encodeToString(g.generateKeyPair().getPublic().getEncoded());
        String text = "v=DKIM1; k=rsa; p=" + p;
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < text.length(); i += 200) {
            b.append('"').append(text, i, Math.min(text.length(), i + 200)).append("\" ");
        }
        return b.toString().strip();
    }

    @BeforeAll
    static void start() throws Exception {
        executor = Executors.newVirtualThreadPerTaskExecutor();
        dns = FakeDnsServer.start(
                Zones.zone("good.test", "@ TXT \"v=spf1 ip4:192.0.2.0/24 include:_spf.good.test mx -all\"",
                        "@ MX 10 mx", "mx A 192.0.2.10",
                        "_spf TXT \"v=spf1 ip4:198.51.100.0/24 ~all\"",
                        "_dmarc TXT \"v=DMARC1; p=reject; rua=mailto:dmarc@good.test\"",
                        "selector1._domainkey TXT " + dkim(2048),
                        "_smtp._tls TXT \"v=TLSRPTv1; rua=mailto:tls@good.test\""),
                // 11 look-ups: include:a (1 + 7 below it), include:b (1), mx (1), a (1).
                Zones.zone("heavy.test", "@ TXT \"v=spf1 include:a.heavy.test include:b.heavy.test mx a -all\"",
                        "@ MX 10 mx", "@ A 192.0.2.1", "mx A 192.0.2.2",
                        "a TXT \"v=spf1 include:c.heavy.test include:d.heavy.test a:gone.heavy.test ~all\"",
                        "b TXT \"v=spf1 ip4:192.0.2.9 -all\"",
                        "c TXT \"v=spf1 a mx ?all\"", "d TXT \"v=spf1 a mx ?all\"",
                        "_dmarc TXT \"v=DMARC1; p=none\""),
                Zones.zone("two.test", "@ TXT \"v=spf1 -all\"", "@ TXT \"v=spf1 ip4:192.0.2.1 -all\""),
                Zones.zone("syntax.test", "@ TXT \"v=spf1 ip4:192.0.2.300 foo include: -all\"",
                        "_dmarc TXT \"v=DMARC1; p=maybe; pct=150; rua=dmarc@syntax.test; colour=blue\"",
                        "weak._domainkey TXT " + dkim(512), "mid._domainkey TXT " + dkim(1024),
                        "_smtp._tls TXT \"v=TLSRPTv1; rua=tls@syntax.test\""),
                Zones.zone("lax.test", "@ TXT \"v=spf1 ptr +all\"",
                        "_dmarc TXT \"v=DMARC1; p=quarantine; rua=mailto:reports@vendor.test\""),
                Zones.zone("vendor.test", "ok._report._dmarc TXT \"v=DMARC1\""),
                Zones.zone("example.co.uk", "_dmarc TXT \"v=DMARC1; p=reject\"",
                        "shop TXT \"v=spf1 -all\""),
                Zones.zone("bare.test", "broken TXT \"v=spf1 include:nothing-here.bare.test -all\""),
                Zones.zone("sts.test", "_mta-sts TXT \"v=STSv1; id=20261201\"", "mta-sts A 127.0.3.81",
                        "@ MX 10 mx1", "@ MX 20 mx2", "mx1 A 192.0.2.1", "mx2 A 192.0.2.2"),
                Zones.zone("gap.test", "_mta-sts TXT \"v=STSv1; id=1\"", "mta-sts A 127.0.3.81",
                        "@ MX 10 mx1", "@ MX 20 backup.elsewhere.example."),
                Zones.zone("redirect.test", "_mta-sts TXT \"v=STSv1; id=1\"", "mta-sts A 127.0.3.81"),
                Zones.zone("badcert.test", "_mta-sts TXT \"v=STSv1; id=1\"", "mta-sts A 127.0.3.81"),
                Zones.zone("badrecord.test", "_mta-sts TXT \"v=STSv1\""));
        Path dir = java.nio.file.Files.createTempDirectory("mta-sts");
        TestCertificates.Identity id = TestCertificates.selfSigned(dir, List.of("mta-sts.sts.test",
                "mta-sts.gap.test", "mta-sts.redirect.test"), null, 30);
        trusted = id.certificatePem();
        https = HttpsServer.create(new InetSocketAddress("127.0.3.81", 0), 0);
        https.setHttpsConfigurator(new HttpsConfigurator(id.serverContext()));
        https.createContext("/.well-known/mta-sts.txt", exchange -> {
            String host = exchange.getRequestHeaders().getFirst("Host");
            String body = switch (host) {
                case "mta-sts.sts.test" -> "version: STSv1\r\nmode: enforce\r\nmx: mx1.sts.test\r\nmx: *.sts.test\r\n"
                        + "max_age: 86400\r\n";
                case "mta-sts.gap.test" -> "version: STSv1\nmode: enforce\nmx: mx1.gap.test\nmax_age: 604800\n";
                default -> null;
            };
            if (body == null) {
                exchange.getResponseHeaders().add("Location", "https://elsewhere.example/policy.txt");
                exchange.sendResponseHeaders(301, -1);
            } else {
                byte[] b = body.getBytes(java.nio.charset.StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "text/plain");
                exchange.sendResponseHeaders(200, b.length);
                exchange.getResponseBody().write(b);
            }
            exchange.close();
        });
        https.start();
    }

    private static HttpsServer https;
    private static Path trusted;

    @AfterAll
    static void stop() {
        https.stop(0);
        dns.close();
        executor.shutdownNow();
    }

    private static Report run(String command) throws Exception {
        Request.Auth request = (Request.Auth) new CommandParser().parse(command).request();
        InetSocketAddress server = new InetSocketAddress("127.0.0.1", dns.port());
        MtaStsFetcher fetcher = new MtaStsFetcher(TlsSettings.load(java.util.Optional.of(trusted)),
                new TargetPolicy(List.of(Cidr.parse("127.0.0.0/8")), p -> true), https.getAddress().getPort(),
                Duration.ofSeconds(5));
        Report r = new AuthCheck(new UpstreamDnsClient(Duration.ofMillis(300), 1, executor, System::nanoTime),
                new Resolvers(List.of(server), Resolvers.policy(List.of(), List.of())), Clock.systemUTC(),
                System::nanoTime, java.util.Optional.of(fetcher)).run(request, Duration.ofSeconds(10), Progress.NONE);
        JsonReport.render(r);
        new TextReport(false).render(r);
        assertThat(dev.mxdoctor.diagnosis.VerdictInvariants.violations(r.verdict(), r.findings())).isEmpty();
        return r;
    }

    private static List<FindingCode> codes(Report r) {
        return r.findings().stream().map(Finding::code).toList();
    }

    private static Finding finding(Report r, FindingCode code) {
        return r.findings().stream().filter(f -> f.code() == code).findFirst().orElseThrow();
    }

    @Test
    void goodDomain_isOkSayingWhatItHas() throws Exception {
        Report r = run("auth good.test selector1");
        assertThat(r.verdict().status()).isEqualTo(Status.OK);
        assertThat(r.verdict().summary()).isEqualTo("good.test: SPF: ok (2 of 10 look-ups, -all); DMARC: p=reject; "
                + "DKIM: selector1 (2048-bit RSA); MTA-STS: none; TLS-RPT: reports to mailto:tls@good.test.");
        assertThat(r.findings()).isEmpty();
        assertThat(r.records()).extracting(Report.RecordLine::name).contains("good.test.", "_dmarc.good.test.",
                "selector1._domainkey.good.test.", "_smtp._tls.good.test.");
    }

    @Test
    void spfForAnAddress_givesTheResultAndThePathThatDecidedIt() throws Exception {
        assertThat(run("auth good.test ip 192.0.2.25").verdict().summary()).contains("SPF for 192.0.2.25: pass "
                + "(good.test: ip4:192.0.2.0/24 matches)");
        assertThat(run("auth good.test ip 198.51.100.7").verdict().summary()).contains("SPF for 198.51.100.7: pass "
                + "(good.test: include:_spf.good.test matches → _spf.good.test: ip4:198.51.100.0/24 matches)");
        assertThat(run("auth good.test ip 203.0.113.9").verdict().summary()).contains("SPF for 203.0.113.9: fail "
                + "(good.test: -all matches)");
        assertThat(run("auth two.test ip 192.0.2.1").verdict().summary()).contains("SPF for 192.0.2.1: permerror "
                + "(two.test has 2 SPF records)");
        assertThat(run("auth bare.test ip 2001:db8::1").verdict().summary()).contains("SPF for 2001:db8::1: "
                + "none");
    }

    @Test
    void includeChainSpendingElevenLookups_namesWhatSpendsThem_andTheVoidLookups() throws Exception {
        Report r = run("auth heavy.test");
        Finding many = finding(r, FindingCode.SPF_TOO_MANY_LOOKUPS);
        assertThat(many.detail()).contains("takes 11 DNS look-ups").contains("include:a.heavy.test 8")
                .contains("include:b.heavy.test 1").contains("mx 1").contains("a 1");
        assertThat(finding(r, FindingCode.SPF_VOID_LOOKUPS).detail()).contains("a:gone.heavy.test (gone.heavy.test: "
                + "NXDOMAIN)");
        assertThat(codes(r)).contains(FindingCode.DMARC_POLICY_NONE, FindingCode.DKIM_KEY_MISSING);
        assertThat(r.verdict().status()).isEqualTo(Status.FAILING);
        assertThat(r.verdict().summary()).contains("its SPF ends in permerror").contains("SPF: permerror (11 of 10");
    }

    @Test
    void twoSpfRecords_arePermerror() throws Exception {
        Report r = run("auth two.test");
        assertThat(codes(r)).contains(FindingCode.SPF_MULTIPLE_RECORDS, FindingCode.DMARC_MISSING);
        assertThat(r.verdict().status()).isEqualTo(Status.FAILING);
    }

    @Test
    void syntaxErrors_areLocated_andWeakKeysAndBadReportUrisSaid() throws Exception {
        Report r = run("auth syntax.test weak mid missing");
        assertThat(finding(r, FindingCode.SPF_SYNTAX).detail()).contains("term 1, 'ip4:192.0.2.300': not an IPv4 "
                + "address").contains("term 2, 'foo': not a mechanism").contains("term 3, 'include:': 'include' needs "
                + "a domain");
        assertThat(finding(r, FindingCode.DMARC_SYNTAX).detail()).contains("p=maybe is not none, quarantine or "
                + "reject").contains("pct=150 is not valid").contains("rua: 'dmarc@syntax.test' is not a mailto:")
                .contains("unknown tag 'colour'");
        List<Finding> weak = r.findings().stream().filter(f -> f.code() == FindingCode.DKIM_KEY_WEAK).toList();
        assertThat(weak).anySatisfy(f -> {
            assertThat(f.detail()).contains("weak._domainkey.syntax.test is 512-bit RSA");
            assertThat(f.severity()).isEqualTo(Severity.ERROR);
        }).anySatisfy(f -> {
            assertThat(f.detail()).contains("mid._domainkey.syntax.test is 1024-bit RSA");
            assertThat(f.severity()).isEqualTo(Severity.WARNING);
        });
        assertThat(finding(r, FindingCode.DKIM_KEY_MISSING).detail()).contains("missing._domainkey.syntax.test");
        assertThat(finding(r, FindingCode.TLSRPT_INVALID).detail()).contains("rua=tls@syntax.test, which is not");
    }

    @Test
    void permissiveSpfAndPtrAndUnauthorisedExternalReports() throws Exception {
        Report r = run("auth lax.test");
        Finding all = finding(r, FindingCode.SPF_ALL_PERMISSIVE);
        assertThat(all.severity()).isEqualTo(Severity.ERROR);
        assertThat(all.detail()).contains("+all");
        assertThat(codes(r)).contains(FindingCode.SPF_PTR);
        assertThat(finding(r, FindingCode.DMARC_REPORTS_UNAUTHORIZED).detail()).contains("reports@vendor.test")
                .contains("lax.test._report._dmarc.vendor.test");
        assertThat(r.verdict().summary()).contains("passes every sender (+all)");
    }

    @Test
    void subdomainWithoutDmarc_usesTheOrganisationalDomainsFromThePublicSuffixList() throws Exception {
        assertThat(AuthCheck.organisational("shop.example.co.uk")).isEqualTo("example.co.uk");
        Report r = run("auth shop.example.co.uk");
        assertThat(codes(r)).doesNotContain(FindingCode.DMARC_MISSING);
        assertThat(r.verdict().summary()).contains("DMARC: p=reject (from example.co.uk)");
    }

    @Test
    void mtaSts_policyFetchedOverValidatedHttps_coversEveryMxWithItsWildcard() throws Exception {
        Report r = run("auth sts.test");
        assertThat(codes(r)).doesNotContain(FindingCode.MTA_STS_INVALID);
        assertThat(r.verdict().summary()).contains("MTA-STS: mode enforce, max_age 86400");
        assertThat(AuthCheck.covers("*.sts.test", "mx2.sts.test")).isTrue();
        assertThat(AuthCheck.covers("*.sts.test", "a.mx2.sts.test")).isFalse();
        assertThat(AuthCheck.covers("*.sts.test", "sts.test")).isFalse();
    }

    @Test
    void mtaSts_patternsThatLeaveAnMxOut_redirects_badCertificates_badRecords_areInvalid() throws Exception {
        Finding gap = finding(run("auth gap.test"), FindingCode.MTA_STS_INVALID);
        assertThat(gap.detail()).contains("backup.elsewhere.example").contains("senders that enforce it will not "
                + "deliver there");
        assertThat(gap.severity()).isEqualTo(Severity.ERROR);
        assertThat(finding(run("auth redirect.test"), FindingCode.MTA_STS_INVALID).detail()).contains("301")
                .contains("a redirect, which senders must not follow");
        assertThat(finding(run("auth badcert.test"), FindingCode.MTA_STS_INVALID).detail())
                .contains("certificate of mta-sts.badcert.test does not validate");
        assertThat(finding(run("auth badrecord.test"), FindingCode.MTA_STS_INVALID).detail())
                .contains("is not 'v=STSv1; id=");
    }

    @Test
    void includeOfANameWithoutSpf_isPermerror() throws Exception {
        Report r = run("auth broken.bare.test");
        assertThat(finding(r, FindingCode.SPF_PERMERROR).detail()).contains("include:nothing-here.bare.test leads to no "
                + "SPF record at nothing-here.bare.test: permerror");
        assertThat(r.verdict().status()).isEqualTo(Status.FAILING);
    }

    @Test
    void domainWithNothing_isDegradedNamingWhatIsMissing() throws Exception {
        Report r = run("auth bare.test");
        assertThat(r.verdict().status()).isEqualTo(Status.DEGRADED);
        assertThat(codes(r)).contains(FindingCode.SPF_MISSING, FindingCode.DMARC_MISSING, FindingCode.DKIM_KEY_MISSING,
                FindingCode.TLSRPT_INVALID);
        assertThat(finding(r, FindingCode.DKIM_KEY_MISSING).severity()).isEqualTo(Severity.INFO);
        assertThat(r.verdict().summary()).contains("Gmail and Yahoo require SPF, DKIM and DMARC of bulk senders");
    }
}
