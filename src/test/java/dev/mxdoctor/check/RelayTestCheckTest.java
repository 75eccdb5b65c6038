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
import dev.mxdoctor.smtp.Dialer;
import dev.mxdoctor.smtp.Pinger;
import dev.mxdoctor.smtp.TargetPolicy;
import dev.mxdoctor.smtp.Timeouts;
import dev.mxdoctor.smtp.TlsSettings;
import dev.mxdoctor.testing.FakeDnsServer;
import dev.mxdoctor.testing.FakeSmtpServer;
import dev.mxdoctor.testing.Zones;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The open-relay test against in-process mail servers that relay, refuse, or fall for one address trick. */
class RelayTestCheckTest {

    private static final Timeouts FAST = new Timeouts(Duration.ofSeconds(1), Duration.ofSeconds(1),
            Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(5));

    private final List<FakeSmtpServer> servers = new ArrayList<>();
    private FakeSmtpServer mx1;
    private FakeSmtpServer mx2;
    private FakeDnsServer dns;
    private ExecutorService executor;

    @BeforeEach
    void start() {
        executor = Executors.newVirtualThreadPerTaskExecutor();
        servers.addAll(FakeSmtpServer.onSamePort("127.0.3.51", "127.0.3.52"));
        mx1 = servers.get(0);
        mx2 = servers.get(1);
        dns = FakeDnsServer.start(Zones.zone("corp.test", "@ MX 10 mx1", "@ MX 20 mx2", "mx1 A 127.0.3.51",
                "mx2 A 127.0.3.52"), Zones.zone("host.test", "@ A 127.0.3.51"));
    }

    @AfterEach
    void stop() {
        servers.forEach(FakeSmtpServer::close);
        dns.close();
        executor.shutdownNow();
    }

    private Report run(String text) throws Exception {
        Request.RelayTest t = (Request.RelayTest) new CommandParser().parse(text).request();
        SmtpSettings settings = new SmtpSettings(new Dialer(new TargetPolicy(List.of(Cidr.parse("127.0.0.0/8")),
                p -> true)), TlsSettings.load(Optional.empty()), FAST, Pinger.DISABLED, mx1.port(), "mxdoctor.test",
                "postmaster@mxdoctor.test", false, List.of(), Optional.empty());
        RelayTestCheck check = new RelayTestCheck(new UpstreamDnsClient(Duration.ofMillis(300), 1, executor,
                System::nanoTime), new Resolvers(List.of(dns.address()), Resolvers.policy(
                List.of(Cidr.parse("127.0.0.0/8")), List.of())), dns.port(), settings, executor, Clock.systemUTC(),
                System::nanoTime, "relaytest@example.org", "relaytest@example.net");
        Report r = check.run(t, Duration.ofSeconds(10), Progress.NONE);
        assertThat(dev.mxdoctor.diagnosis.VerdictInvariants.violations(r.verdict(), r.findings())).isEmpty();
        return r;
    }

    private void refuseRelaying(FakeSmtpServer s) {
        s.reply("RCPT", "554 5.7.1 <relaytest@example.net>: Relay access denied");
    }

    @Test
    void closedRelays_refuseEveryForm_andNothingPastRcptIsSent() throws Exception {
        refuseRelaying(mx1);
        refuseRelaying(mx2);
        Report r = run("relaytest corp.test");
        assertThat(r.verdict().status()).isEqualTo(Status.OK);
        assertThat(r.verdict().summary()).isEqualTo("Not an open relay: 2 addresses refused all 7 relay attempts "
                + "(DATA was never sent).");
        assertThat(r.findings()).isEmpty();
        for (FakeSmtpServer s : servers) {
            assertThat(s.received()).contains("MAIL FROM:<relaytest@example.org>", "RCPT TO:<relaytest@example.net>",
                    "RCPT TO:<relaytest%example.net@corp.test>", "RCPT TO:<\"relaytest@example.net\"@corp.test>",
                    "RCPT TO:<@corp.test:relaytest@example.net>", "RCPT TO:<example.net!relaytest@corp.test>",
                    "MAIL FROM:<postmaster@corp.test>", "MAIL FROM:<>", "QUIT");
            assertThat(s.received()).noneMatch(l -> l.equalsIgnoreCase("DATA"));
            assertThat(s.received().stream().filter(l -> l.equals("RSET"))).hasSize(7);
        }
    }

    @Test
    void openRelay_isCriticalNamingTheHostAndTheForm() throws Exception {
        refuseRelaying(mx2);
        Report r = run("relaytest corp.test"); // mx1 takes everything
        assertThat(r.verdict().status()).isEqualTo(Status.FAILING);
        assertThat(r.verdict().summary()).startsWith("Open relay: mx1.corp.test [127.0.3.51] (external sender to "
                + "external recipient, ");
        assertThat(r.findings()).extracting(Finding::code).containsOnly(FindingCode.OPEN_RELAY);
        assertThat(r.findings()).allSatisfy(f -> assertThat(f.host()).isEqualTo("mx1.corp.test"));
        assertThat(mx1.received()).noneMatch(l -> l.equalsIgnoreCase("DATA"));
    }

    @Test
    void relayThatFallsForThePercentHackOnly_isCaughtByThatForm() throws Exception {
        refuseRelaying(mx1);
        refuseRelaying(mx2);
        mx1.replyTo("RCPT TO:<relaytest%example.net@", "250 2.1.5 Ok");
        Report r = run("relaytest corp.test");
        assertThat(r.verdict().status()).isEqualTo(Status.FAILING);
        assertThat(r.findings()).singleElement().satisfies(f -> {
            assertThat(f.code()).isEqualTo(FindingCode.OPEN_RELAY);
            assertThat(f.detail()).contains("<relaytest%example.net@corp.test>").contains("percent hack");
        });
    }

    @Test
    void namedHostWithoutMx_isTestedItself() throws Exception {
        refuseRelaying(mx1);
        Report r = run("relaytest host.test");
        assertThat(r.verdict().status()).isEqualTo(Status.OK);
        assertThat(mx1.received()).contains("RCPT TO:<relaytest%example.net@host.test>");
        assertThat(mx2.received()).isEmpty();
    }

    @Test
    void unreachableHosts_areInconclusive() throws Exception {
        servers.forEach(FakeSmtpServer::close);
        Report r = run("relaytest corp.test");
        assertThat(r.verdict().status()).isEqualTo(Status.INCONCLUSIVE);
        assertThat(r.verdict().summary()).startsWith("No mail host of corp.test could be asked");
    }
}
