package dev.mxdoctor.check;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mxdoctor.diagnosis.AddressProbe;
import dev.mxdoctor.diagnosis.AddressProbe.Outcome;
import dev.mxdoctor.diagnosis.Finding.Stage;
import dev.mxdoctor.smtp.Cidr;
import dev.mxdoctor.smtp.Dialer;
import dev.mxdoctor.smtp.Pinger;
import dev.mxdoctor.smtp.SmtpListener;
import dev.mxdoctor.smtp.TargetPolicy;
import dev.mxdoctor.smtp.Timeouts;
import dev.mxdoctor.smtp.TlsFacts;
import dev.mxdoctor.smtp.TlsSettings;
import dev.mxdoctor.testing.FakeSmtpServer;
import dev.mxdoctor.testing.FakeSmtpServer.Greeting;
import dev.mxdoctor.testing.TestCertificates;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DialogueTest {

    private static final Timeouts FAST = new Timeouts(Duration.ofSeconds(2), Duration.ofMillis(800),
            Duration.ofMillis(800), Duration.ofSeconds(2), Duration.ofMillis(300));

    @TempDir
    Path dir;

    private final List<FakeSmtpServer> servers = new ArrayList<>();
    private final List<String> events = new ArrayList<>();

    @AfterEach
    void stop() {
        servers.forEach(FakeSmtpServer::close);
    }

    private FakeSmtpServer server() {
        FakeSmtpServer s = FakeSmtpServer.start();
        servers.add(s);
        return s;
    }

    private AddressProbe run(FakeSmtpServer s, Optional<Envelope> envelope) {
        return run(s, envelope, TlsSettings.load(Optional.empty()));
    }

    private AddressProbe run(FakeSmtpServer s, Optional<Envelope> envelope, TlsSettings tls) {
        Dialer dialer = new Dialer(new TargetPolicy(List.of(Cidr.parse("127.0.0.0/8")), p -> true));
        Dialogue d = new Dialogue(dialer, tls, FAST, "mxdoctor.test", Pinger.DISABLED, System::nanoTime);
        return d.run("mx.test", s.address(), envelope, recorder(), Deadline.after(Duration.ofSeconds(10),
                System::nanoTime));
    }

    private SmtpListener recorder() {
        return new SmtpListener() {
            @Override
            public void sent(String line) {
                events.add("C: " + line);
            }

            @Override
            public void received(String line) {
                events.add("S: " + line);
            }

            @Override
            public void tlsEstablished(TlsFacts facts) {
                events.add("TLS " + facts.protocol());
            }

            @Override
            public void closed() {
                events.add("closed");
            }
        };
    }

    private static Optional<Envelope> envelope() {
        return Optional.of(new Envelope("bob@example.org", "alice@mx.test", Optional.empty()));
    }

    @Test
    void run_secondDialogueToAnAddressAtItsLimit_waitsAndSaysSoInItsTranscript() throws Exception {
        FakeSmtpServer silent = server().greeting(FakeSmtpServer.Greeting.SILENT);
        Dialer dialer = new Dialer(new TargetPolicy(List.of(Cidr.parse("127.0.0.0/8")), p -> true),
                new dev.mxdoctor.smtp.ConnectionGate(1, Duration.ZERO));
        Dialogue d = new Dialogue(dialer, TlsSettings.load(Optional.empty()), FAST, "mxdoctor.test",
                Pinger.DISABLED, System::nanoTime);
        Deadline deadline = Deadline.after(Duration.ofSeconds(10), System::nanoTime);
        java.util.concurrent.CompletableFuture<AddressProbe> first = java.util.concurrent.CompletableFuture
                .supplyAsync(() -> d.run("mx.test", silent.address(), Optional.empty(), SmtpListener.NONE, deadline));
        long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (silent.connections() == 0) { // the first dialogue holds the only place (bounded wait)
            assertThat(System.nanoTime()).isLessThan(until);
            Thread.onSpinWait();
        }
        List<String> notes = new java.util.concurrent.CopyOnWriteArrayList<>();
        AddressProbe second = d.run("mx.test", silent.address(), Optional.empty(), new SmtpListener() {
            @Override
            public void note(String text) {
                notes.add(text);
            }
        }, deadline);
        assertThat(first.get().outcome()).isEqualTo(AddressProbe.Outcome.BANNER_TIMEOUT);
        assertThat(second.outcome()).isEqualTo(AddressProbe.Outcome.BANNER_TIMEOUT);
        assertThat(notes.get(0)).isEqualTo("waiting: mxdoctor already has 1 connection open to 127.0.0.1 and "
                + "opens no more at once");
        assertThat(silent.connections()).isEqualTo(2);
    }

    @Test
    void run_runDeadlineBeforeTheGreeting_isTheDeadlineNotTheServer() {
        FakeSmtpServer silent = server().greeting(FakeSmtpServer.Greeting.SILENT);
        Dialer dialer = new Dialer(new TargetPolicy(List.of(Cidr.parse("127.0.0.0/8")), p -> true));
        Dialogue d = new Dialogue(dialer, TlsSettings.load(Optional.empty()), FAST, "mxdoctor.test",
                Pinger.DISABLED, System::nanoTime);
        // The greeting may take 1 s (FAST), but the run has only 300 ms left.
        AddressProbe p = d.run("mx.test", silent.address(), Optional.empty(), recorder(),
                Deadline.after(Duration.ofMillis(300), System::nanoTime));
        assertThat(p.outcome()).isEqualTo(AddressProbe.Outcome.DEADLINE);
        assertThat(p.failedStage()).contains(dev.mxdoctor.diagnosis.Finding.Stage.GREETING);
        assertThat(dev.mxdoctor.diagnosis.ProbeRules.findings(p, java.time.Instant.now(), Duration.ofSeconds(5)))
                .extracting(dev.mxdoctor.diagnosis.Finding::code)
                .containsExactly(dev.mxdoctor.diagnosis.FindingCode.RUN_DEADLINE_REACHED);
    }

    @Test
    void run_healthyServer_probeRecordsTheExactDialogue() {
        AddressProbe p = run(server(), Optional.empty());
        assertThat(p.outcome()).isEqualTo(Outcome.OK);
        assertThat(p.greeting().orElseThrow().code()).isEqualTo(220);
        assertThat(p.capabilities().orElseThrow().keywords()).containsExactly("PIPELINING", "SIZE", "8BITMIME");
        assertThat(events).containsExactly("S: 220 fake.test ESMTP ready", "C: EHLO mxdoctor.test",
                "S: 250-fake.test", "S: 250-PIPELINING", "S: 250-SIZE 10240000", "S: 250 8BITMIME", "C: QUIT",
                "S: 221 2.0.0 Bye", "closed");
        assertThat(p.connectMs()).isPresent();
        assertThat(p.greetingMs()).isPresent();
    }

    @Test
    void run_envelope_goesToRcptThenRsetAndQuit() {
        FakeSmtpServer s = server();
        AddressProbe p = run(s, envelope());
        assertThat(p.mail().orElseThrow().code()).isEqualTo(250);
        assertThat(p.rcpt().orElseThrow().code()).isEqualTo(250);
        assertThat(p.data()).isEmpty();
        assertThat(s.received()).containsExactly("EHLO mxdoctor.test", "MAIL FROM:<bob@example.org>",
                "RCPT TO:<alice@mx.test>", "RSET", "QUIT");
    }

    @Test
    void run_envelopeWithMessage_sendsDataDotStuffed() {
        FakeSmtpServer s = server();
        byte[] message = (SmtpTestCheck.dotStuff("Subject: t\r\n\r\n.leading dot\r\n") + ".\r\n").getBytes();
        AddressProbe p = run(s, Optional.of(new Envelope("bob@example.org", "alice@mx.test", Optional.of(message))));
        assertThat(p.data().orElseThrow().oneLine()).isEqualTo("250 2.0.0 Ok: queued as FAKE1");
        assertThat(s.received()).contains("DATA", "..leading dot", ".").doesNotContain("RSET");
    }

    @Test
    void run_ehloRefused_fallsBackToHelo() {
        FakeSmtpServer s = server().reply("EHLO", "502 5.5.2 Error: command not recognized");
        AddressProbe p = run(s, Optional.empty());
        assertThat(p.outcome()).isEqualTo(Outcome.OK);
        assertThat(p.heloFallback()).isTrue();
        assertThat(s.received()).startsWith("EHLO mxdoctor.test", "HELO mxdoctor.test");
    }

    @Test
    void run_ehloAndHeloRefused_isServiceUnavailableAtEhlo() {
        FakeSmtpServer s = server().reply("EHLO", "554 5.7.1 go away").reply("HELO", "554 5.7.1 go away");
        AddressProbe p = run(s, envelope());
        assertThat(p.outcome()).isEqualTo(Outcome.UNAVAILABLE);
        assertThat(p.failedStage()).contains(Stage.EHLO);
        assertThat(p.failure()).contains("554 5.7.1 go away");
        assertThat(s.received()).doesNotContain("MAIL FROM:<bob@example.org>");
    }

    @Test
    void run_421Greeting_isServiceUnavailableAndQuits() {
        FakeSmtpServer s = server().greeting("421 4.7.0 Too many connections, try again later");
        AddressProbe p = run(s, envelope());
        assertThat(p.outcome()).isEqualTo(Outcome.UNAVAILABLE);
        assertThat(p.failedStage()).contains(Stage.GREETING);
        assertThat(p.greeting().orElseThrow().code()).isEqualTo(421);
        assertThat(s.received()).containsExactly("QUIT");
    }

    @Test
    void run_silentServer_isABannerTimeout() {
        AddressProbe p = run(server().greeting(Greeting.SILENT), Optional.empty());
        assertThat(p.outcome()).isEqualTo(Outcome.BANNER_TIMEOUT);
        assertThat(p.failedStage()).contains(Stage.GREETING);
    }

    @Test
    void run_httpServerOnPort25_isAProtocolError() {
        AddressProbe p = run(server().greeting(Greeting.GARBAGE), Optional.empty());
        assertThat(p.outcome()).isEqualTo(Outcome.PROTOCOL_ERROR);
        assertThat(p.failure().orElseThrow()).contains("not an SMTP reply line: HTTP/1.1 400 Bad Request");
    }

    @Test
    void run_hundredKilobyteLine_isBoundedAndAProtocolError() {
        AddressProbe p = run(server().greeting(Greeting.ENDLESS_LINE), Optional.empty());
        assertThat(p.outcome()).isEqualTo(Outcome.PROTOCOL_ERROR);
        assertThat(p.failure().orElseThrow()).contains("line longer than 4096 bytes");
    }

    @Test
    void run_replyThatNeverEnds_isAProtocolError() {
        AddressProbe p = run(server().greeting(Greeting.ENDLESS_REPLY), Optional.empty());
        assertThat(p.outcome()).isEqualTo(Outcome.PROTOCOL_ERROR);
        assertThat(p.failure().orElseThrow()).contains("more than 200 lines");
    }

    @Test
    void run_closeAtConnect_isDisconnectedAtGreeting() {
        AddressProbe p = run(server().greeting(Greeting.CLOSE), Optional.empty());
        assertThat(p.outcome()).isEqualTo(Outcome.DISCONNECTED);
        assertThat(p.failedStage()).contains(Stage.GREETING);
    }

    @Test
    void run_resetAtConnect_isAFailureNotAnException() {
        AddressProbe p = run(server().greeting(Greeting.RESET), Optional.empty());
        // The reset races the end of the client's connect(): seen during it, it is a refusal; after, a disconnect.
        assertThat(p.outcome()).isIn(Outcome.DISCONNECTED, Outcome.REFUSED);
        assertThat(p.failure().orElseThrow()).containsAnyOf("reset", "closed");
    }

    @Test
    void run_closeAfterMail_isDisconnectedAtMail() {
        AddressProbe p = run(server().reply("MAIL", FakeSmtpServer.CLOSE), envelope());
        assertThat(p.outcome()).isEqualTo(Outcome.DISCONNECTED);
        assertThat(p.failedStage()).contains(Stage.MAIL);
        assertThat(p.mail()).isEmpty();
    }

    @Test
    void run_silenceAfterRcpt_isAReplyTimeoutAtRcpt() {
        AddressProbe p = run(server().reply("RCPT", FakeSmtpServer.SILENCE), envelope());
        assertThat(p.outcome()).isEqualTo(Outcome.REPLY_TIMEOUT);
        assertThat(p.failedStage()).contains(Stage.RCPT);
    }

    @Test
    void run_slowGreeting_isMeasuredNotCutShort() {
        AddressProbe p = run(server().greetingDelay(Duration.ofMillis(400)), Optional.empty());
        assertThat(p.outcome()).isEqualTo(Outcome.OK);
        // The server's delay starts when accept() returns, the client's clock when connect() does; the two race,
        // so the client may see a few ms less than 400 (CI once measured 398). Still far above an instant greeting.
        assertThat(p.greetingMs().orElseThrow()).isGreaterThanOrEqualTo(300);
    }

    @Test
    void run_refusedPort_isRefused() throws Exception {
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Dialer dialer = new Dialer(new TargetPolicy(List.of(Cidr.parse("127.0.0.0/8")), p -> true));
        Dialogue d = new Dialogue(dialer, TlsSettings.load(Optional.empty()), FAST, "mxdoctor.test",
                (a, t) -> new AddressProbe.Ping(AddressProbe.Ping.Result.REPLY, "echo reply, time=0.1 ms"),
                System::nanoTime);
        AddressProbe p = d.run("mx.test", new InetSocketAddress("127.0.0.1", port), Optional.empty(),
                SmtpListener.NONE, Deadline.after(Duration.ofSeconds(5), System::nanoTime));
        assertThat(p.outcome()).isEqualTo(Outcome.REFUSED);
        assertThat(p.ping().orElseThrow().result()).isEqualTo(AddressProbe.Ping.Result.REPLY);
    }

    @Test
    void run_loopbackWithoutPermission_isNotAllowedAndNothingIsSent() {
        FakeSmtpServer s = server();
        Dialogue d = new Dialogue(new Dialer(new TargetPolicy(List.of(), p -> true)), TlsSettings.load(Optional.empty()), FAST,
                "mxdoctor.test", Pinger.DISABLED, System::nanoTime);
        AddressProbe p = d.run("mx.test", s.address(), Optional.empty(), SmtpListener.NONE,
                Deadline.after(Duration.ofSeconds(5), System::nanoTime));
        assertThat(p.outcome()).isEqualTo(Outcome.NOT_ALLOWED);
        assertThat(p.failure().orElseThrow()).contains("127.0.0.1 is a loopback address")
                .contains("MXDOCTOR_ALLOW_TARGETS");
        assertThat(p.ping()).isEmpty();
        assertThat(s.received()).isEmpty();
    }

    @Test
    void run_startTlsWithTrustedCertificate_recordsProtocolAndTrust() {
        TestCertificates.Identity id = TestCertificates.selfSigned(dir, "mx.test", null, 30);
        FakeSmtpServer s = server().tls(id.serverContext());
        AddressProbe p = run(s, Optional.empty(), TlsSettings.load(Optional.of(id.certificatePem())));
        TlsFacts tls = p.tls().orElseThrow();
        assertThat(tls.protocol()).startsWith("TLSv1.");
        assertThat(tls.trusted()).isTrue();
        assertThat(tls.namesHost()).isTrue();
        assertThat(tls.names()).containsExactly("mx.test");
        assertThat(tls.expiredAt(Instant.now())).isFalse();
        assertThat(s.received()).containsExactly("EHLO mxdoctor.test", "STARTTLS", "EHLO mxdoctor.test", "QUIT");
    }

    @Test
    void run_selfSignedCertificate_isUntrustedButTheHandshakeSucceeds() {
        TestCertificates.Identity id = TestCertificates.selfSigned(dir, "mx.test", null, 30);
        AddressProbe p = run(server().tls(id.serverContext()), Optional.empty());
        assertThat(p.tlsFailure()).isEmpty();
        assertThat(p.tls().orElseThrow().trusted()).isFalse();
        assertThat(p.tls().orElseThrow().trustProblem()).isPresent();
    }

    @Test
    void run_certificateForAnotherName_isANameMismatch() {
        TestCertificates.Identity id = TestCertificates.selfSigned(dir, "other.test", null, 30);
        AddressProbe p = run(server().tls(id.serverContext()), Optional.empty(),
                TlsSettings.load(Optional.of(id.certificatePem())));
        assertThat(p.tls().orElseThrow().namesHost()).isFalse();
        assertThat(p.tls().orElseThrow().names()).containsExactly("other.test");
    }

    @Test
    void run_expiredCertificate_isRecognisedAsExpired() {
        TestCertificates.Identity id = TestCertificates.selfSigned(dir, "mx.test", "-10d", 2);
        AddressProbe p = run(server().tls(id.serverContext()), Optional.empty());
        assertThat(p.tls().orElseThrow().expiredAt(Instant.now())).isTrue();
    }

    @Test
    void run_startTlsRefused_isATlsFailureAndTheEnvelopeStillRuns() {
        FakeSmtpServer s = server().reply("EHLO", "250-fake.test", "250 STARTTLS")
                .reply("STARTTLS", "454 4.7.0 TLS not available due to local problem");
        AddressProbe p = run(s, envelope());
        assertThat(p.tlsFailure().orElseThrow()).contains("454 4.7.0");
        assertThat(p.rcpt().orElseThrow().code()).isEqualTo(250);
    }

    @Test
    void run_brokenHandshake_isAFindingAndTheMtaRetriesInClearText() {
        // The server announces STARTTLS, says 220, then speaks plain text: the handshake cannot succeed.
        FakeSmtpServer s = server().reply("EHLO", "250-fake.test", "250 STARTTLS")
                .reply("STARTTLS", "220 2.0.0 Ready to start TLS", "220 not really");
        AddressProbe p = run(s, envelope());
        assertThat(p.tlsFailure()).isPresent();
        assertThat(p.outcome()).isEqualTo(Outcome.OK);
        assertThat(p.rcpt().orElseThrow().code()).isEqualTo(250);
    }

    @Test
    void connectFailure_networkUnreachable_isNoRouteHereNotRefused() {
        InetSocketAddress v6 = new InetSocketAddress(dev.mxdoctor.command.Names.ipLiteral("2001:db8::25").orElseThrow(),
                25);
        Dialogue.ConnectFailure f = Dialogue.ConnectFailure.of(new java.net.ConnectException("Network is unreachable"),
                v6, Duration.ofSeconds(10));
        assertThat(f.outcome()).isEqualTo(Outcome.NO_ROUTE_HERE);
        assertThat(f.why()).isEqualTo("not probed: this machine has no IPv6 route to 2001:db8::25");
        assertThat(Dialogue.ConnectFailure.of(new java.net.ConnectException("Connection refused"), v6,
                Duration.ofSeconds(10)).outcome()).isEqualTo(Outcome.REFUSED);
        assertThat(Dialogue.ConnectFailure.of(new java.net.SocketTimeoutException("Connect timed out"), v6,
                Duration.ofSeconds(10)).why()).isEqualTo("no answer to the connection attempt in 10 s");
        assertThat(Dialogue.ConnectFailure.of(new java.net.NoRouteToHostException("No route to host"), v6,
                Duration.ofSeconds(10)).outcome()).isEqualTo(Outcome.UNREACHABLE);
    }
}
