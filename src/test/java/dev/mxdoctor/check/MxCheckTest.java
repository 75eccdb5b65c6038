package dev.mxdoctor.check;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mxdoctor.command.CommandParser;
import dev.mxdoctor.command.Request;
import dev.mxdoctor.diagnosis.Finding;
import dev.mxdoctor.diagnosis.FindingCode;
import dev.mxdoctor.diagnosis.Severity;
import dev.mxdoctor.diagnosis.Verdict.Status;
import dev.mxdoctor.dns.UpstreamDnsClient;
import dev.mxdoctor.report.Report;
import dev.mxdoctor.testing.FakeDnsServer;
import dev.mxdoctor.testing.FakeDnsServer.Behaviour;
import dev.mxdoctor.testing.Zones;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class MxCheckTest {

    /** Test DNS servers listen on loopback and ephemeral ports. */
    private static final dev.mxdoctor.smtp.TargetPolicy LOOPBACK_DNS = new dev.mxdoctor.smtp.TargetPolicy(
            List.of(dev.mxdoctor.smtp.Cidr.parse("127.0.0.0/8")), p -> true);

    private static FakeDnsServer dns;
    private static ExecutorService executor;
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-23T00:00:00Z"), ZoneOffset.UTC);

    @BeforeAll
    static void start() {
        dns = FakeDnsServer.start(
                Zones.zone("ok.test", "@ MX 10 mx1", "@ MX 20 mx2", "mx1 A 192.0.2.1", "mx2 A 192.0.2.2",
                        "mx2 AAAA 2001:db8::2"),
                Zones.zone("implicit.test", "@ A 192.0.2.5"),
                Zones.zone("bare.test", "www A 192.0.2.6"),
                Zones.zone("nullmx.test", "@ MX 0 ."),
                Zones.zone("nullmix.test", "@ MX 0 .", "@ MX 10 mx", "mx A 192.0.2.8"),
                Zones.zone("dangling.test", "@ MX 10 ghost", "@ MX 20 mx2", "mx2 A 192.0.2.9"),
                Zones.zone("alias.test", "@ MX 10 mail", "mail CNAME real", "real A 192.0.2.10"),
                Zones.zone("literal.test", "@ MX 10 192.0.2.7."),
                Zones.zone("equal.test", "@ MX 10 a", "@ MX 10 b", "a A 192.0.2.11", "b A 192.0.2.12"),
                Zones.zone("single.test", "@ MX 10 mx", "mx A 192.0.2.13", "mx A 192.0.2.14"),
                Zones.zone("v6only.test", "@ MX 10 mx1", "@ MX 20 mx2", "mx1 AAAA 2001:db8::25",
                        "mx2 AAAA 2001:db8::26"),
                Zones.zone("sf.test", "@ MX 10 mx"),
                Zones.zone("silent.test", "@ MX 10 mx"),
                Zones.zone("slowhost.test", "@ MX 10 mx", "@ MX 20 mx2", "mx A 192.0.2.15", "mx2 A 192.0.2.16"),
                Zones.zone("xn--bcher-kva.test", "@ MX 10 mx", "mx A 192.0.2.17"));
        dns.behave("sf.test", Behaviour.SERVFAIL)
                .behave("silent.test", Behaviour.DROP)
                .behave("mx2.slowhost.test", Behaviour.SERVFAIL);
        executor = Executors.newVirtualThreadPerTaskExecutor();
    }

    @AfterAll
    static void stop() {
        dns.close();
        executor.shutdownNow();
    }

    @Test
    void run_policyLine_saysWhichMailPolicyRecordsThereAre() throws Exception {
        try (FakeDnsServer own = FakeDnsServer.start(Zones.zone("policy.test", "@ MX 10 mx", "mx A 192.0.2.1",
                "@ TXT \"v=spf1 mx -all\"", "_dmarc TXT \"v=DMARC1; p=quarantine\"",
                "_mta-sts TXT \"v=STSv1; id=1\"",
                "_25._tcp.mx TLSA 3 1 1 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"),
                Zones.zone("bare.test", "@ MX 10 mx", "mx A 192.0.2.2"))) {
            assertThat(run(own, "mx policy.test").policy()).isEqualTo("SPF yes · DMARC p=quarantine · MTA-STS yes · "
                    + "DANE TLSA published (auth policy.test reads them)");
            Report bare = run(own, "mx bare.test");
            assertThat(bare.policy()).isEqualTo("SPF none · DMARC none · MTA-STS none · DANE no (auth bare.test reads "
                    + "them)");
            assertThat(dev.mxdoctor.report.JsonReport.render(bare)).contains("\"policy\": \"SPF none");
        }
    }

    private static Report run(FakeDnsServer resolver, String text) throws Exception {
        return run(resolver, text, LOOPBACK_DNS);
    }

    private static Report run(FakeDnsServer resolver, String text, dev.mxdoctor.smtp.TargetPolicy policy)
            throws Exception {
        Request.Mx mx = (Request.Mx) new CommandParser().parse(text).request();
        UpstreamDnsClient client = new UpstreamDnsClient(Duration.ofMillis(250), 1, executor, System::nanoTime);
        MxCheck check = new MxCheck(client, new Resolvers(List.of(resolver.address()), policy), resolver.port(),
                Optional.empty(), executor, CLOCK, System::nanoTime);
        Report r = check.run(mx, Duration.ofSeconds(10), Progress.NONE);
        // Every report any scenario makes keeps the verdict's invariants.
        assertThat(dev.mxdoctor.diagnosis.VerdictInvariants.violations(r.verdict(), r.findings())).as(text).isEmpty();
        return r;
    }

    /** What production uses: nothing special-purpose, DNS servers on port 53 only. */
    private static final dev.mxdoctor.smtp.TargetPolicy STRICT_DNS = Resolvers.policy(List.of(), List.of());

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"@10.0.0.5", "@127.0.0.1", "@169.254.169.254",
        "@[::1]", "@[64:ff9b::a00:5]", "@8.8.8.8:22", "@8.8.8.8:6379"})
    void run_userGivenResolverThePolicyRefuses_asksNothingAndSaysWhy(String resolver) throws Exception {
        Report r = run(dns, "mx ok.test " + resolver, STRICT_DNS);
        assertThat(r.verdict().status()).isEqualTo(Status.INCONCLUSIVE);
        assertThat(r.verdict().summary()).contains("may not be asked").contains("so nothing was looked up")
                .containsAnyOf("MXDOCTOR_ALLOW_TARGETS", "MXDOCTOR_ALLOW_PORTS");
        assertThat(r.dns()).isEmpty();
    }

    @Test
    void run_nameServersOnPrivateAddresses_areNotAskedDirectly() throws Exception {
        // The configured resolver is trusted; the zone's NS glue (127.0.0.1 here) is not, under the strict policy.
        Report r = run(dns, "mx ok.test", STRICT_DNS);
        assertThat(r.dns()).noneMatch(x -> x.authoritative() && x.question().endsWith(" SOA"));
        assertThat(r.dns()).noneMatch(x -> x.server().startsWith("127.0.0.1:" + dns.port()) && x.question()
                .equals("ok.test. SOA"));
        Report allowed = run(dns, "mx ok.test", LOOPBACK_DNS);
        assertThat(allowed.dns()).anyMatch(x -> x.question().equals("ok.test. SOA"));
    }

    private static Report run(String text) throws Exception {
        return run(dns, text);
    }

    private static List<FindingCode> codes(Report r) {
        return r.findings().stream().map(Finding::code).toList();
    }

    @Test
    void run_healthyDomain_isOkWithTheTableInPreferenceOrder() throws Exception {
        Report r = run("mx OK.test.");
        assertThat(r.verdict().status()).isEqualTo(Status.OK);
        assertThat(r.verdict().summary()).isEqualTo("Mail for ok.test goes to mx1.ok.test (preference 10, "
                + "1 address), with 1 more MX host to fall back on.");
        assertThat(r.mx()).extracting(Report.MxEntry::host).containsExactly("mx1.ok.test", "mx2.ok.test");
        assertThat(r.mx().get(1).addresses()).containsExactly("192.0.2.2", "2001:db8::2");
        assertThat(r.mx().get(0).ttl()).isEqualTo(300);
        assertThat(codes(r)).isEmpty();
        assertThat(r.started()).isEqualTo(CLOCK.instant());
        assertThat(r.dns()).extracting(Report.DnsExchange::question)
                .contains("ok.test. MX", "mx1.ok.test. A", "mx2.ok.test. AAAA", "ok.test. NS");
    }

    @Test
    void run_missingDomain_isNxDomainAndFailing() throws Exception {
        Report r = run("mx missing.ok.test");
        assertThat(codes(r)).containsExactly(FindingCode.DOMAIN_NXDOMAIN);
        assertThat(r.verdict().status()).isEqualTo(Status.FAILING);
        assertThat(r.verdict().summary()).startsWith("Mail to missing.ok.test cannot be delivered: the domain "
                + "does not exist");
        assertThat(r.mx()).isEmpty();
    }

    @Test
    void run_servfail_isDnsServfailAndFailing() throws Exception {
        Report r = run("mx sf.test");
        assertThat(codes(r)).containsExactly(FindingCode.DNS_SERVFAIL);
        assertThat(r.verdict().status()).isEqualTo(Status.FAILING);
        assertThat(r.verdict().summary()).contains("senders queue the mail and retry");
        // What could not be asked is not known, never "none".
        assertThat(r.policy()).startsWith("SPF not known (SERVFAIL) · DMARC none");
    }

    @Test
    void run_silentResolver_isDnsTimeoutAndInconclusive() throws Exception {
        Report r = run("mx silent.test");
        assertThat(codes(r)).containsExactly(FindingCode.DNS_TIMEOUT);
        assertThat(r.verdict().status()).isEqualTo(Status.INCONCLUSIVE);
    }

    @Test
    void run_noMxButAddress_usesTheImplicitMx() throws Exception {
        Report r = run("mx implicit.test");
        assertThat(codes(r)).containsExactly(FindingCode.MX_NONE_IMPLICIT);
        assertThat(r.verdict().status()).isEqualTo(Status.DEGRADED);
        assertThat(r.mx()).singleElement().satisfies(e -> {
            assertThat(e.implicit()).isTrue();
            assertThat(e.preference()).isZero();
            assertThat(e.addresses()).containsExactly("192.0.2.5");
        });
    }

    @Test
    void run_noMxNoAddress_isFailing() throws Exception {
        Report r = run("mx bare.test");
        assertThat(codes(r)).containsExactly(FindingCode.MX_NONE_NO_ADDRESS);
        assertThat(r.verdict().status()).isEqualTo(Status.FAILING);
    }

    @Test
    void run_nullMx_acceptsNoMailAndNoFallbackIsTried() throws Exception {
        dns.clearQuestions();
        Report r = run("mx nullmx.test");
        assertThat(codes(r)).containsExactly(FindingCode.MX_NULL);
        assertThat(r.verdict().status()).isEqualTo(Status.FAILING);
        assertThat(r.verdict().summary()).contains("accepts no mail");
        assertThat(dns.count("nullmx.test", org.xbill.DNS.Type.A)).isZero();
        assertThat(r.mx()).isEmpty();
    }

    @Test
    void run_nullMxBesideOthers_isAnError() throws Exception {
        Report r = run("mx nullmix.test");
        assertThat(r.findings()).filteredOn(f -> f.code() == FindingCode.MX_NULL)
                .singleElement().extracting(Finding::severity).isEqualTo(Severity.ERROR);
        assertThat(r.verdict().status()).isEqualTo(Status.DEGRADED);
    }

    @Test
    void run_primaryWithoutAddress_failsOverToTheBackup() throws Exception {
        Report r = run("mx dangling.test");
        assertThat(codes(r)).containsExactly(FindingCode.MX_TARGET_NO_ADDRESS);
        assertThat(r.findings().get(0).host()).isEqualTo("ghost.dangling.test");
        assertThat(r.verdict().status()).isEqualTo(Status.DEGRADED);
        assertThat(r.verdict().summary()).isEqualTo("The primary MX ghost.dangling.test has no usable address; "
                + "senders fall back to mx2.dangling.test (preference 20).");
    }

    @Test
    void run_targetIsAnAlias_isReportedWithItsTarget() throws Exception {
        Report r = run("mx alias.test");
        assertThat(codes(r)).contains(FindingCode.MX_TARGET_CNAME);
        Finding f = r.findings().stream().filter(x -> x.code() == FindingCode.MX_TARGET_CNAME).findFirst()
                .orElseThrow();
        assertThat(f.detail()).isEqualTo("mail.alias.test is an alias (CNAME) for real.alias.test.");
        assertThat(r.mx().get(0).addresses()).containsExactly("192.0.2.10");
    }

    @Test
    void run_targetIsAnIpLiteral_isNotLookedUpAndFails() throws Exception {
        Report r = run("mx literal.test");
        assertThat(codes(r)).contains(FindingCode.MX_TARGET_IP_LITERAL);
        assertThat(r.verdict().status()).isEqualTo(Status.FAILING);
    }

    @Test
    void run_equalPreferences_areOneGroup() throws Exception {
        Report r = run("mx equal.test");
        assertThat(codes(r)).containsExactly(FindingCode.MX_EQUAL_PREFERENCE);
        assertThat(r.findings().get(0).detail()).startsWith("2 hosts share preference 10: a.equal.test, b.equal.test");
    }

    @Test
    void run_mxHostsWithIpv6Only_areUnreachableForIpv4OnlySenders_andAtLeastDegraded() throws Exception {
        Report r = run("mx v6only.test");
        assertThat(codes(r)).contains(FindingCode.MX_IPV6_ONLY);
        assertThat(r.verdict().status()).isEqualTo(Status.DEGRADED);
        assertThat(r.verdict().summary()).contains("IPv6 only").contains("IPv4 only (most of them) cannot deliver");
        assertThat(codes(run("mx ok.test"))).as("one host with IPv4 is enough").doesNotContain(
                FindingCode.MX_IPV6_ONLY);
    }

    @Test
    void run_singleHost_isNormal_andNotReportedAsAProblem() throws Exception {
        // One MX name is what most domains have: no finding for it unless its one address is down.
        Report r = run("mx single.test");
        assertThat(codes(r)).doesNotContain(FindingCode.MX_SINGLE_HOST);
        assertThat(r.verdict().status()).isEqualTo(Status.OK);
    }

    @Test
    void run_backupAddressLookupFails_isAWarningOnThatHostOnly() throws Exception {
        Report r = run("mx slowhost.test");
        assertThat(r.findings()).filteredOn(f -> f.code() == FindingCode.DNS_SERVFAIL)
                .isNotEmpty()
                .allSatisfy(f -> {
                    assertThat(f.host()).isEqualTo("mx2.slowhost.test");
                    assertThat(f.severity()).isEqualTo(Severity.WARNING);
                });
        assertThat(r.verdict().status()).isEqualTo(Status.OK);
    }

    @Test
    void run_internationalisedDomain_isAskedInAsciiAndShownInBothForms() throws Exception {
        Report r = run("mx bücher.test");
        assertThat(r.query()).isEqualTo("xn--bcher-kva.test");
        assertThat(r.queryDisplay()).isEqualTo("bücher.test (xn--bcher-kva.test)");
        assertThat(r.mx()).hasSize(1);
    }

    @Test
    void run_nameServersDisagree_isDnsAnswersDiffer() throws Exception {
        String ns = "@ NS ns1\n@ NS ns2\nns1 A 127.0.3.1\nns2 A 127.0.3.2\n";
        String fresh = "$ORIGIN split.test.\n$TTL 300\n@ SOA ns1 hostmaster 2 3600 600 86400 60\n" + ns
                + "@ MX 10 new-mx\nnew-mx A 192.0.2.20\n";
        String stale = "$ORIGIN split.test.\n$TTL 300\n@ SOA ns1 hostmaster 1 3600 600 86400 60\n" + ns
                + "@ MX 10 old-mx\nold-mx A 192.0.2.21\n";
        FakeDnsServer[] pair = FakeDnsServer.pair("127.0.3.1", new String[] {fresh}, "127.0.3.2", new String[] {stale});
        try (FakeDnsServer ns1 = pair[0]; FakeDnsServer ns2 = pair[1]) {
            Report r = run(ns1, "mx split.test");
            assertThat(codes(r)).contains(FindingCode.DNS_ANSWERS_DIFFER);
            Finding f = r.findings().stream().filter(x -> x.code() == FindingCode.DNS_ANSWERS_DIFFER).findFirst()
                    .orElseThrow();
            assertThat(f.detail()).contains("ns1.split.test (127.0.3.1): MX 10 new-mx.split.test; SOA serial 2")
                    .contains("ns2.split.test (127.0.3.2): MX 10 old-mx.split.test; SOA serial 1");
            assertThat(f.evidence()).isEqualTo("MX answers and SOA serials differ");
            assertThat(r.verdict().status()).isEqualTo(Status.DEGRADED);
            assertThat(ns2.questions()).allSatisfy(q -> assertThat(q.recursionDesired()).isFalse());
        }
    }

    @Test
    void run_oneNameServerSilent_isReportedAsUnresponsive() throws Exception {
        String zone = "$ORIGIN lame.test.\n$TTL 300\n@ SOA ns1 hostmaster 1 3600 600 86400 60\n"
                + "@ NS ns1\n@ NS ns2\nns1 A 127.0.3.3\nns2 A 127.0.3.4\n@ MX 10 mx\nmx A 192.0.2.22\n";
        FakeDnsServer[] pair = FakeDnsServer.pair("127.0.3.3", new String[] {zone}, "127.0.3.4", new String[] {zone});
        try (FakeDnsServer ns1 = pair[0]; FakeDnsServer ns2 = pair[1]) {
            ns2.behaveByDefault(Behaviour.DROP);
            Report r = run(ns1, "mx lame.test");
            assertThat(r.findings()).filteredOn(f -> f.code() == FindingCode.DNS_NS_UNRESPONSIVE)
                    .singleElement().satisfies(f -> {
                        assertThat(f.host()).isEqualTo("ns2.lame.test");
                        assertThat(f.address()).isEqualTo("127.0.3.4");
                    });
            assertThat(codes(r)).doesNotContain(FindingCode.DNS_ANSWERS_DIFFER);
        }
    }

    @Test
    void run_unreachableResolver_isInconclusiveNotTheDomainsFault() throws Exception {
        int closedPort;
        try (java.net.DatagramSocket s = new java.net.DatagramSocket(0, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        Request.Mx mx = (Request.Mx) new CommandParser().parse("mx ok.test").request();
        MxCheck check = new MxCheck(new UpstreamDnsClient(Duration.ofMillis(250), 1, executor, System::nanoTime),
                new Resolvers(List.of(new InetSocketAddress("127.0.0.1", closedPort)), LOOPBACK_DNS), 53, Optional.empty(),
                executor, CLOCK, System::nanoTime);
        Report r = check.run(mx, Duration.ofSeconds(5), Progress.NONE);
        assertThat(r.verdict().status()).isEqualTo(Status.INCONCLUSIVE);
        assertThat(codes(r)).containsAnyOf(FindingCode.DNS_ERROR, FindingCode.DNS_TIMEOUT);
    }
}
