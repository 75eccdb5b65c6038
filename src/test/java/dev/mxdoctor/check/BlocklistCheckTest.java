package dev.mxdoctor.check;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mxdoctor.SettingsReader;
import dev.mxdoctor.command.CommandParser;
import dev.mxdoctor.command.Request;
import dev.mxdoctor.diagnosis.Finding;
import dev.mxdoctor.diagnosis.FindingCode;
import dev.mxdoctor.diagnosis.Verdict;
import dev.mxdoctor.dns.UpstreamDnsClient;
import dev.mxdoctor.dnsbl.DnsblSettings;
import dev.mxdoctor.report.JsonReport;
import dev.mxdoctor.report.Report;
import dev.mxdoctor.report.TextReport;
import dev.mxdoctor.testing.FakeDnsServer;
import dev.mxdoctor.testing.Zones;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The blocklist command against an in-process DNS server holding lists that list, refuse, lie and stay silent. */
class BlocklistCheckTest {

    private static FakeDnsServer dns;
    private static ExecutorService executor;

    @BeforeAll
    static void start() {
        executor = Executors.newVirtualThreadPerTaskExecutor();
        dns = FakeDnsServer.start(
                // A ZEN-like list: the test entry, an SBL+XBL listing with a reason, a PBL listing.
                Zones.zone("zen.test", "2.0.0.127 A 127.0.0.2", "2.0.0.127 TXT \"test entry\"",
                        "25.2.0.192 A 127.0.0.2", "25.2.0.192 A 127.0.0.4",
                        "25.2.0.192 TXT \"https://check.spamhaus.org/sbl/query/SBL1\"",
                        "10.2.0.192 A 127.0.0.10",
                        // 2001:db8::25 in nibbles
                        "5.2.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2 A 127.0.0.3"),
                // A list that answers "refused" for everything (a public resolver, for Spamhaus).
                Zones.zone("refusing.test", "* A 127.255.255.254"),
                // A closed list whose zone now lists everything.
                Zones.zone("everything.test", "* A 127.0.0.2"),
                // A list that lists nothing, not even its test entry.
                Zones.zone("empty.test"),
                // A generic list with a plain listing.
                Zones.zone("plain.test", "2.0.0.127 A 127.0.0.2", "25.2.0.192 A 127.0.0.2"),
                // A DBL-like domain list.
                Zones.zone("dbl.test", "dbltest.com A 127.0.1.2", "bad.example A 127.0.1.4",
                        "bad.example TXT \"phish\""),
                Zones.zone("bad.example", "@ MX 10 mx1", "@ MX 20 mx2", "mx1 A 192.0.2.25", "mx2 A 192.0.2.26",
                        "mx2 AAAA 2001:db8::25"),
                Zones.zone("good.example", "@ MX 10 mx", "mx A 192.0.2.30"));
    }

    @AfterAll
    static void stop() {
        dns.close();
        executor.shutdownNow();
    }

    private static Report run(String command, String lists) throws Exception {
        return run(command, lists, Map.of());
    }

    private static Report run(String command, String lists, Map<String, String> more) throws Exception {
        Map<String, String> env = new HashMap<>(more);
        env.put("MXDOCTOR_DNSBLS", lists);
        SettingsReader r = new SettingsReader(env);
        DnsblSettings settings = DnsblSettings.read(r);
        assertThat(r.problems()).isEmpty();
        InetSocketAddress server = new InetSocketAddress("127.0.0.1", dns.port());
        Resolvers resolvers = new Resolvers(List.of(server), Resolvers.policy(List.of(), List.of()));
        UpstreamDnsClient client = new UpstreamDnsClient(Duration.ofMillis(300), 1, executor, System::nanoTime);
        Request.Blocklist request = (Request.Blocklist) new CommandParser().parse(command).request();
        Report report = new BlocklistCheck(client, resolvers, settings, Clock.systemUTC(), System::nanoTime)
                .run(request, Duration.ofSeconds(10), Progress.NONE);
        JsonReport.render(report); // always renderable
        new TextReport(false).render(report);
        return report;
    }

    private static List<FindingCode> codes(Report r) {
        return r.findings().stream().map(Finding::code).toList();
    }

    @Test
    void listedAddress_eachCodeInWordsWithTheListsReasonAndRemoval() throws Exception {
        Report r = run("blocklist 192.0.2.25", "spamhaus-zen:zen.test,plain.test");
        assertThat(r.verdict().status()).isEqualTo(Verdict.Status.FAILING);
        assertThat(r.verdict().summary()).startsWith("192.0.2.25 is listed on zen.test (SBL), plain.test");
        Report.Listing zen = r.listings().stream().filter(l -> l.list().equals("zen.test")).findFirst().orElseThrow();
        assertThat(zen.status()).isEqualTo("listed");
        assertThat(zen.answers()).containsExactlyInAnyOrder("127.0.0.2", "127.0.0.4");
        assertThat(zen.meaning()).contains("SBL: a known spam source").contains("XBL: a compromised host");
        assertThat(zen.reason()).contains("https://check.spamhaus.org/sbl/query/SBL1");
        assertThat(zen.removal()).contains("https://check.spamhaus.org/");
        assertThat(codes(r)).containsExactly(FindingCode.IP_BLOCKLISTED, FindingCode.IP_BLOCKLISTED);
        assertThat(r.findings().get(0).advice()).contains("compromised").contains("check.spamhaus.org");
        assertThat(new TextReport(false).render(r)).contains("reason: https://check.spamhaus.org/sbl/query/SBL1");
    }

    @Test
    void pblListing_saysToSendThroughAMailServer() throws Exception {
        Report r = run("blocklist 192.0.2.10", "spamhaus-zen:zen.test");
        assertThat(r.listings().get(0).meaning()).contains("PBL, listed by the ISP");
        assertThat(r.findings().get(0).advice()).contains("smarthost");
    }

    @Test
    void ipv6Address_isAskedInNibbles() throws Exception {
        Report r = run("blocklist 2001:db8::25", "spamhaus-zen:zen.test");
        assertThat(r.listings().get(0).status()).isEqualTo("listed");
        assertThat(r.listings().get(0).meaning()).startsWith("CSS");
    }

    @Test
    void cleanAddress_isOkNamingTheListsAsked() throws Exception {
        Report r = run("blocklist 192.0.2.99", "spamhaus-zen:zen.test,plain.test");
        assertThat(r.verdict().status()).isEqualTo(Verdict.Status.OK);
        assertThat(r.verdict().summary()).isEqualTo("192.0.2.99 is on none of the 2 blocklists asked (zen.test, "
                + "plain.test).");
        assertThat(r.listings()).extracting(Report.Listing::status).containsOnly("not-listed");
        assertThat(r.findings()).isEmpty();
    }

    @Test
    void refusingAndBrokenLists_areNeverListings() throws Exception {
        Report r = run("blocklist 192.0.2.25", "spamhaus-zen:refusing.test,everything.test,empty.test");
        assertThat(r.listings()).extracting(Report.Listing::status).containsExactly("refused", "unreliable",
                "unreliable");
        assertThat(codes(r)).containsExactly(FindingCode.DNSBL_QUERY_REFUSED, FindingCode.DNSBL_UNRELIABLE,
                FindingCode.DNSBL_UNRELIABLE);
        assertThat(r.findings().get(0).detail()).contains("public or open resolver");
        assertThat(r.findings().get(1).detail()).contains("lists 127.0.0.1");
        assertThat(r.findings().get(2).detail()).contains("does not list its test entry 127.0.0.2");
        assertThat(r.verdict().status()).isEqualTo(Verdict.Status.INCONCLUSIVE);
        assertThat(r.verdict().summary()).startsWith("No blocklist could be asked about 192.0.2.25");
    }

    @Test
    void oneListRefusing_theOthersStillCount_butNotAsOk() throws Exception {
        Report r = run("blocklist 192.0.2.99", "spamhaus-zen:zen.test,spamhaus-zen:refusing.test");
        assertThat(r.verdict().status()).isEqualTo(Verdict.Status.INCONCLUSIVE);
        assertThat(r.verdict().summary()).contains("on none of the 1 blocklists that answered (zen.test), but "
                + "refusing.test could not be asked");
    }

    @Test
    void deadList_isAFindingAboutTheList_neverAHang() throws Exception {
        Report r = run("blocklist 192.0.2.25", "spamhaus-zen:zen.test,dead.invalid-tld-for-tests");
        assertThat(r.listings()).anySatisfy(l -> {
            assertThat(l.list()).isEqualTo("dead.invalid-tld-for-tests");
            assertThat(l.status()).isIn("no-answer", "unreliable");
        });
        assertThat(r.verdict().status()).isEqualTo(Verdict.Status.FAILING); // the listing on zen.test stands
    }

    @Test
    void domain_asksForEveryMxAddressAndTheDomainInDomainLists() throws Exception {
        Report r = run("blocklist bad.example", "spamhaus-zen:zen.test,spamhaus-dbl:dbl.test");
        assertThat(r.listings()).extracting(Report.Listing::subject).contains("192.0.2.25 (mx1.bad.example)",
                "192.0.2.26 (mx2.bad.example)", "2001:db8::25 (mx2.bad.example)", "bad.example");
        Report.Listing domain = r.listings().stream().filter(l -> l.subject().equals("bad.example")).findFirst()
                .orElseThrow();
        assertThat(domain.list()).isEqualTo("dbl.test");
        assertThat(domain.meaning()).isEqualTo("DBL: a phishing domain");
        assertThat(domain.reason()).contains("phish");
        assertThat(codes(r)).contains(FindingCode.DOMAIN_BLOCKLISTED, FindingCode.IP_BLOCKLISTED);
        assertThat(r.verdict().summary()).contains("bad.example");
    }

    @Test
    void noArgument_checksTheSenderAddresses_orSaysTheyAreNotSet() throws Exception {
        Report none = run("blocklist", "spamhaus-zen:zen.test");
        assertThat(none.verdict().status()).isEqualTo(Verdict.Status.INCONCLUSIVE);
        assertThat(none.verdict().summary()).contains("MXDOCTOR_SENDER_IPS is not set");
        Report senders = run("blocklist", "spamhaus-zen:zen.test", Map.of("MXDOCTOR_SENDER_IPS",
                "192.0.2.24/30,192.0.2.99"));
        assertThat(senders.listings()).extracting(Report.Listing::subject).containsExactly("192.0.2.24",
                "192.0.2.25", "192.0.2.26", "192.0.2.27", "192.0.2.99");
        assertThat(senders.verdict().summary()).startsWith("192.0.2.25 is listed on zen.test");
    }

    @Test
    void dqsKey_switchesTheSpamhausZones_andNeverShowsTheKey() throws Exception {
        SettingsReader r = new SettingsReader(Map.of("MXDOCTOR_SPAMHAUS_DQS_KEY", "abcdef0123456789"));
        DnsblSettings s = DnsblSettings.read(r);
        assertThat(s.lists().get(0).zone()).isEqualTo("abcdef0123456789.zen.dq.spamhaus.net");
        assertThat(s.lists().get(0).shown()).isEqualTo("zen.dq.spamhaus.net (DQS)");
        assertThat(s.lists().get(1).zone()).isEqualTo("abcdef0123456789.dbl.dq.spamhaus.net");
        assertThat(s.effective().toString()).doesNotContain("abcdef0123456789");
        Report report = run("blocklist 192.0.2.99", "zen.spamhaus.org", Map.of("MXDOCTOR_SPAMHAUS_DQS_KEY",
                "abcdef0123456789"));
        assertThat(JsonReport.render(report)).doesNotContain("abcdef0123456789").contains("<key>.zen.dq.spamhaus.net");
    }

    @Test
    void settings_badListsAndTooManySendersAreSaid() {
        SettingsReader r = new SettingsReader(Map.of("MXDOCTOR_DNSBLS", "zen.spamhaus.org,nope:x.test,not a zone",
                "MXDOCTOR_SENDER_IPS", "10.0.0.0/8", "MXDOCTOR_SPAMHAUS_DQS_KEY", "Short"));
        DnsblSettings.read(r);
        assertThat(r.problems()).anySatisfy(p -> assertThat(p).contains("'nope' is not a blocklist profile"))
                .anySatisfy(p -> assertThat(p).contains("'not a zone' is not a blocklist zone"))
                .anySatisfy(p -> assertThat(p).contains("MXDOCTOR_SENDER_IPS").contains("more than 512"))
                .anySatisfy(p -> assertThat(p).contains("MXDOCTOR_SPAMHAUS_DQS_KEY"));
    }
}
