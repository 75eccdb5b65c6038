package dev.mxdoctor.check;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mxdoctor.command.CommandParser;
import dev.mxdoctor.command.Request;
import dev.mxdoctor.diagnosis.Finding;
import dev.mxdoctor.diagnosis.FindingCode;
import dev.mxdoctor.diagnosis.Verdict.Status;
import dev.mxdoctor.dns.UpstreamDnsClient;
import dev.mxdoctor.report.Report;
import dev.mxdoctor.smtp.Cidr;
import dev.mxdoctor.testing.FakeDnsServer;
import dev.mxdoctor.testing.FakeDnsServer.Behaviour;
import dev.mxdoctor.testing.Zones;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * When the resolver fails, whose failure is it? A resolver (which also serves the parent zone walk.test) and a
 * second name server on one port; the delegated servers are dead (nothing listens), lame (refuse the zone), or fine
 * while the resolver fails on its own; a resolver that fails DNSSEC validation answers with checking disabled; a
 * resolver that does not recurse hands back a referral.
 */
class DelegationWalkTest {

    private static final String RESOLVER = "127.0.3.111";
    private static final String SECOND = "127.0.3.112";
    private static final String DEAD = "127.0.3.119";

    private static FakeDnsServer resolver;
    private static FakeDnsServer second;
    private static ExecutorService executor;

    @BeforeAll
    static void start() {
        FakeDnsServer[] pair = FakeDnsServer.pair(RESOLVER, new String[] {
            Zones.zone("walk.test", 1, RESOLVER,
                    "dead NS ns.dead", "ns.dead A " + DEAD,
                    "lame NS ns.lame", "ns.lame A " + SECOND,
                    "fine NS ns.fine", "ns.fine A " + SECOND,
                    "norec NS ns.fine"),
            Zones.zone("bogus.test", 1, RESOLVER, "@ MX 10 mx", "mx A 192.0.2.1")
        }, SECOND, new String[] {
            Zones.zone("fine.walk.test", 1, SECOND, "@ MX 10 mx", "mx A 192.0.2.2"),
            Zones.zone("norec.walk.test", 1, SECOND, "@ MX 10 mx", "mx A 192.0.2.3")
        });
        resolver = pair[0];
        second = pair[1];
        // As a recursive resolver that cannot get an answer (SERVFAIL), for any reason of its own or the domain's.
        resolver.behaveRecursive("dead.walk.test", Behaviour.SERVFAIL)
                .behaveRecursive("lame.walk.test", Behaviour.SERVFAIL)
                .behaveRecursive("fine.walk.test", Behaviour.SERVFAIL)
                .behaveValidating("bogus.test", Behaviour.SERVFAIL);
        executor = Executors.newVirtualThreadPerTaskExecutor();
    }

    @AfterAll
    static void stop() {
        resolver.close();
        second.close();
        executor.shutdownNow();
    }

    private static Report mx(String domain) throws Exception {
        Request.Mx mx = (Request.Mx) new CommandParser().parse("mx " + domain).request();
        MxCheck check = new MxCheck(new UpstreamDnsClient(Duration.ofMillis(300), 1, executor, System::nanoTime),
                new Resolvers(List.of(resolver.address()), Resolvers.policy(List.of(Cidr.parse("127.0.0.0/8")),
                List.of())), resolver.port(), Optional.empty(), executor, Clock.systemUTC(), System::nanoTime);
        Report r = check.run(mx, Duration.ofSeconds(10), Progress.NONE);
        assertThat(dev.mxdoctor.diagnosis.VerdictInvariants.violations(r.verdict(), r.findings())).isEmpty();
        return r;
    }

    private static Finding finding(Report r, FindingCode code) {
        return r.findings().stream().filter(f -> f.code() == code).findFirst().orElseThrow();
    }

    @Test
    void deadDelegatedServers_failAtEveryResolver_andTheWalkIsShown() throws Exception {
        Report r = mx("dead.walk.test");
        assertThat(r.verdict().status()).isEqualTo(Status.FAILING);
        assertThat(r.verdict().summary()).startsWith("Mail to dead.walk.test is held up at every resolver, not only "
                + "this one: the name servers it is delegated to do not answer for it (ns.dead.walk.test ["
                + DEAD + "]: no answer)");
        assertThat(finding(r, FindingCode.DNS_SERVFAIL).evidence()).isEqualTo("delegation: walk.test (ns1.walk.test ["
                + RESOLVER + "]) → dead.walk.test (ns.dead.walk.test [" + DEAD + "]: no answer)");
        // The cause first, critical (no server answers, for anyone); the resolver's SERVFAIL follows from it.
        assertThat(r.findings().get(0)).satisfies(f -> {
            assertThat(f.code()).isEqualTo(FindingCode.DNS_NS_UNRESPONSIVE);
            assertThat(f.severity()).isEqualTo(dev.mxdoctor.diagnosis.Severity.CRITICAL);
            assertThat(f.host()).isEqualTo("ns.dead.walk.test");
            assertThat(f.detail()).contains("port unreachable (nothing listens there)");
        });
        // The walk asked the parent's server without recursion, as dig +trace does.
        assertThat(resolver.questions()).anySatisfy(q -> {
            assertThat(q.toString()).isEqualTo("dead.walk.test. MX");
            assertThat(q.recursionDesired()).isFalse();
        });
    }

    @Test
    void lameDelegatedServers_areNamedLame() throws Exception {
        Report r = mx("lame.walk.test");
        assertThat(r.verdict().status()).isEqualTo(Status.FAILING);
        assertThat(r.verdict().summary()).contains("(ns.lame.walk.test [" + SECOND + "]: lame (REFUSED))");
        assertThat(finding(r, FindingCode.DNS_NS_UNRESPONSIVE).detail()).contains("lame: it is named for the zone "
                + "but does not serve it");
    }

    @Test
    void delegatedServersThatAnswer_putTheFaultOnTheResolver() throws Exception {
        Report r = mx("fine.walk.test");
        assertThat(r.verdict().status()).isEqualTo(Status.INCONCLUSIVE);
        assertThat(r.verdict().summary()).isEqualTo("The resolver " + RESOLVER + ":" + resolver.port() + " answers "
                + "SERVFAIL for fine.walk.test, but asked directly its name servers answer (ns.fine.walk.test ["
                + SECOND + "]: MX 10 mx.fine.walk.test): the resolver is the problem, not the domain; ask through "
                + "another resolver (@resolver).");
        assertThat(r.findings()).extracting(Finding::code).doesNotContain(FindingCode.DNS_NS_UNRESPONSIVE,
                FindingCode.DNSSEC_BOGUS);
    }

    @Test
    void servfailThatCheckingDisabledAnswers_isDnssec() throws Exception {
        Report r = mx("bogus.test");
        assertThat(r.verdict().status()).isEqualTo(Status.FAILING);
        assertThat(r.verdict().summary()).startsWith("Mail to bogus.test is held up at every resolver that validates "
                + "DNSSEC");
        assertThat(finding(r, FindingCode.DNSSEC_BOGUS).detail()).contains("with DNSSEC checking disabled (+cd) it "
                + "answers 10 mx.bogus.test");
        assertThat(r.dns()).anySatisfy(x -> assertThat(x.question()).isEqualTo("bogus.test. MX +cd"));
        assertThat(r.findings().get(0).code()).as("the cause first").isEqualTo(FindingCode.DNSSEC_BOGUS);
    }

    @Test
    void aResolverThatHandsBackAReferral_isFollowed_andBlamed() throws Exception {
        Report r = mx("norec.walk.test");
        assertThat(r.verdict().status()).isEqualTo(Status.INCONCLUSIVE);
        assertThat(r.verdict().summary()).contains("does not recurse (it hands back a referral) for norec.walk.test, "
                + "but asked directly its name servers answer (ns.fine.walk.test [" + SECOND + "]: MX 10 "
                + "mx.norec.walk.test)");
    }
}
