package dev.mxdoctor.dns;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mxdoctor.testing.FakeDnsServer;
import dev.mxdoctor.testing.FakeDnsServer.Behaviour;
import dev.mxdoctor.testing.Zones;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Name;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

class UpstreamDnsClientTest {

    private static FakeDnsServer server;
    private static ExecutorService executor;
    private UpstreamDnsClient client;

    @BeforeAll
    static void startServer() {
        StringBuilder bigTxt = new StringBuilder();
        for (int i = 0; i < 20; i++) {
            bigTxt.append("big IN TXT \"").append("x".repeat(200)).append(i).append("\"\n");
        }
        server = FakeDnsServer.start(
                Zones.zone("example.test",
                        "@ IN MX 10 mx1",
                        "mx1 IN A 192.0.2.10",
                        "alias IN CNAME mx1",
                        "sub IN NS ns.elsewhere.test.",
                        "silent IN A 192.0.2.99",
                        "broken IN A 192.0.2.98",
                        "nope IN A 192.0.2.97",
                        bigTxt.toString()));
        server.behave("silent.example.test", Behaviour.DROP)
                .behave("broken.example.test", Behaviour.SERVFAIL)
                .behave("nope.example.test", Behaviour.REFUSED)
                .behave("big.example.test", Behaviour.TRUNCATE_UDP);
        executor = Executors.newVirtualThreadPerTaskExecutor();
    }

    @AfterAll
    static void stopServer() {
        server.close();
        executor.shutdownNow();
    }

    @BeforeEach
    void newClient() {
        server.clearQuestions();
        client = new UpstreamDnsClient(Duration.ofMillis(300), 2, executor, System::nanoTime);
    }

    private DnsResult ask(String name, int type) {
        return client.query(DnsQuery.recursive(List.of(server.address()), Name.fromConstantString(name), type))
                .join();
    }

    @Test
    void query_existingRecord_isAnAnswerWithServerAndFlags() {
        DnsResult r = ask("example.test.", Type.MX);
        assertThat(r).isInstanceOf(DnsResult.Answer.class);
        assertThat(r.records(Type.MX)).hasSize(1);
        assertThat(r.reply().orElseThrow().server()).isEqualTo(server.address());
        assertThat(r.reply().orElseThrow().authoritative()).isTrue();
        assertThat(r.reply().orElseThrow().tcp()).isFalse();
        assertThat(r.ttl()).isEqualTo(Duration.ofSeconds(300));
    }

    @Test
    void query_alias_answerKeepsTheCnameChain() {
        DnsResult r = ask("alias.example.test.", Type.A);
        assertThat(r.records(Type.A)).hasSize(1);
        assertThat(r.aliasOf(Name.fromConstantString("alias.example.test.")))
                .contains(Name.fromConstantString("mx1.example.test."));
    }

    @Test
    void query_existingNameOtherType_isNoDataWithSoa() {
        DnsResult r = ask("mx1.example.test.", Type.AAAA);
        assertThat(r).isInstanceOfSatisfying(DnsResult.NoData.class, n -> assertThat(n.soa()).isPresent());
        assertThat(r.ttl()).isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void query_missingName_isNxDomain() {
        assertThat(ask("missing.example.test.", Type.A)).isInstanceOf(DnsResult.NxDomain.class);
    }

    @Test
    void query_servfail_isServFail() {
        assertThat(ask("broken.example.test.", Type.A)).isInstanceOf(DnsResult.ServFail.class);
    }

    @Test
    void query_refused_isRefused() {
        assertThat(ask("nope.example.test.", Type.A)).isInstanceOf(DnsResult.Refused.class);
    }

    @Test
    void query_delegatedName_isAReferral() {
        DnsResult r = ask("host.sub.example.test.", Type.A);
        assertThat(r).isInstanceOfSatisfying(DnsResult.Referral.class,
                ref -> assertThat(ref.nameServers()).hasSize(1));
    }

    @Test
    void query_silentServer_timesOutAfterEveryAttempt() {
        DnsResult r = ask("silent.example.test.", Type.A);
        assertThat(r).isInstanceOfSatisfying(DnsResult.TimedOut.class, t -> assertThat(t.attempts()).isEqualTo(2));
        assertThat(server.count("silent.example.test", Type.A)).isEqualTo(2);
    }

    @Test
    void query_truncatedOverUdp_isRetriedOverTcp() {
        DnsResult r = ask("big.example.test.", Type.TXT);
        assertThat(r.records(Type.TXT)).hasSize(20);
        assertThat(((TXTRecord) r.records(Type.TXT).get(0)).getStrings().get(0)).startsWith("xxxx");
        assertThat(r.reply().orElseThrow().tcp()).isTrue();
        assertThat(server.questions()).extracting(FakeDnsServer.Question::tcp).containsExactly(false, true);
    }

    @Test
    void query_firstServerSilent_failsOverToTheNextServer() {
        try (FakeDnsServer dead = FakeDnsServer.start(Zones.zone("example.test"))) {
            dead.behaveByDefault(Behaviour.DROP);
            DnsQuery q = DnsQuery.recursive(List.of(dead.address(), server.address()),
                    Name.fromConstantString("mx1.example.test."), Type.A);
            DnsResult r = client.query(q).join();
            assertThat(r).isInstanceOf(DnsResult.Answer.class);
            assertThat(r.reply().orElseThrow().server()).isEqualTo(server.address());
            assertThat(dead.questions()).hasSize(2);
        }
    }

    @Test
    void query_firstServerFailing_failsOverToTheNext_andAllFailing_keepsTheFirstReason() throws Exception {
        int closedPort;
        try (java.net.DatagramSocket s = new java.net.DatagramSocket(0, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        InetSocketAddress closed = new InetSocketAddress("127.0.0.1", closedPort);
        try (FakeDnsServer servfail = FakeDnsServer.start(Zones.zone("example.test"))
                .behaveByDefault(FakeDnsServer.Behaviour.SERVFAIL);
                FakeDnsServer refusing = FakeDnsServer.start(Zones.zone("example.test"))
                        .behaveByDefault(FakeDnsServer.Behaviour.REFUSED)) {
            Name name = Name.fromConstantString("example.test.");
            for (InetSocketAddress first : List.of(servfail.address(), refusing.address(), closed)) {
                DnsResult r = client.query(DnsQuery.recursive(List.of(first, server.address()), name, Type.MX))
                        .join();
                assertThat(r).as("first " + first).isInstanceOf(DnsResult.Answer.class);
                assertThat(r.reply().orElseThrow().server()).isEqualTo(server.address());
            }
            DnsResult all = client.query(DnsQuery.recursive(List.of(servfail.address(), refusing.address()), name,
                    Type.MX)).join();
            assertThat(all).isInstanceOf(DnsResult.ServFail.class);
            assertThat(refusing.questions()).hasSize(2); // asked after the SERVFAIL, both times it came second
        }
    }

    @Test
    void query_nonRecursive_clearsTheRdFlag() {
        client.query(DnsQuery.authoritative(server.address(), Name.fromConstantString("example.test."), Type.MX))
                .join();
        assertThat(server.questions().get(0).recursionDesired()).isFalse();
    }

    @Test
    void query_closedPort_isAFailureNotAnException() throws Exception {
        int closedPort;
        try (java.net.DatagramSocket s = new java.net.DatagramSocket(0, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        DnsResult r = client.query(DnsQuery.recursive(List.of(new InetSocketAddress("127.0.0.1", closedPort)),
                Name.fromConstantString("example.test."), Type.MX)).join();
        assertThat(r).isInstanceOfAny(DnsResult.Failed.class, DnsResult.TimedOut.class);
    }
}
