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
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** smtptest end to end against the fake DNS server and scripted SMTP servers: the root-cause verdicts. */
class SmtpTestCheckTest {

    /** Test DNS servers listen on loopback and ephemeral ports. */
    private static final dev.mxdoctor.smtp.TargetPolicy LOOPBACK_DNS = new dev.mxdoctor.smtp.TargetPolicy(
            List.of(dev.mxdoctor.smtp.Cidr.parse("127.0.0.0/8")), p -> true);

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-23T00:00:00Z"), ZoneOffset.UTC);
    private static final Timeouts FAST = new Timeouts(Duration.ofSeconds(1), Duration.ofSeconds(1),
            Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(5));

    private final List<FakeSmtpServer> servers = new ArrayList<>();
    private FakeDnsServer dns;
    private FakeSmtpServer mx1;
    private FakeSmtpServer mx2;
    private ExecutorService executor;

    @BeforeEach
    void start() {
        executor = Executors.newVirtualThreadPerTaskExecutor();
        servers.addAll(FakeSmtpServer.onSamePort("127.0.3.41", "127.0.3.42"));
        mx1 = servers.get(0);
        mx2 = servers.get(1);
        dns = FakeDnsServer.start(
                Zones.zone("corp.test", "@ MX 10 mx1", "@ MX 20 mx2", "mx1 A 127.0.3.41", "mx2 A 127.0.3.42"),
                Zones.zone("down.test", "@ MX 10 mx1", "@ MX 20 mx2", "mx1 A 127.0.3.49", "mx2 A 127.0.3.42"),
                Zones.zone("equal.test", "@ MX 10 a", "@ MX 10 b", "a A 127.0.3.41", "b A 127.0.3.42"),
                Zones.zone("nullmx.test", "@ MX 0 ."),
                Zones.zone("twice.test", "@ MX 10 a", "@ MX 20 b", "a A 127.0.3.41", "b A 127.0.3.41"),
                // A blocklist that lists the loopback source addresses and one of the organisation's senders.
                Zones.zone("rbl.test", "2.0.0.127 A 127.0.0.2", "1.0.0.127 A 127.0.0.2", "1.0.0.127 TXT \"lo\"",
                        "41.3.0.127 A 127.0.0.2", "25.2.0.192 A 127.0.0.2", "25.2.0.192 TXT \"our sender\""));
    }

    @AfterEach
    void stop() {
        servers.forEach(FakeSmtpServer::close);
        dns.close();
        executor.shutdownNow();
    }

    private Report run(String text, boolean allowSend) throws Exception {
        return run(text, allowSend, List.of());
    }

    private Report run(String text, boolean allowSend, List<String> sendDomains) throws Exception {
        return run(text, allowSend, sendDomains, List.of());
    }

    private Report run(String text, boolean allowSend, List<String> sendDomains, List<java.net.InetAddress> senders)
            throws Exception {
        dev.mxdoctor.command.Invocation invocation = new CommandParser().parse(text);
        Request.SmtpTest t = (Request.SmtpTest) invocation.request();
        SmtpSettings settings = new SmtpSettings(new Dialer(new TargetPolicy(List.of(Cidr.parse("127.0.0.0/8")),
                p -> true)), TlsSettings.load(Optional.empty()), FAST, Pinger.DISABLED, mx1.port(), "mxdoctor.test",
                "postmaster@mxdoctor.test", allowSend, sendDomains, Optional.empty());
        SmtpTestCheck check = new SmtpTestCheck(
                new UpstreamDnsClient(Duration.ofMillis(300), 1, executor, System::nanoTime),
                new Resolvers(List.of(dns.address()), LOOPBACK_DNS), dns.port(), settings, executor, CLOCK, System::nanoTime,
                new SplittableRandom(7), senders);
        Report r = check.run(t, invocation.timeout().orElse(Duration.ofSeconds(10)), Progress.NONE);
        // Every report any scenario makes keeps the verdict's invariants.
        assertThat(dev.mxdoctor.diagnosis.VerdictInvariants.violations(r.verdict(), r.findings())).as(text).isEmpty();
        return r;
    }

    private Report run(String text) throws Exception {
        return run(text, false);
    }

    private static List<FindingCode> codes(Report r) {
        return r.findings().stream().map(Finding::code).toList();
    }

    @Test
    void run_primaryAccepts_isOk() throws Exception {
        Report r = run("smtptest alice@corp.test");
        assertThat(r.verdict().status()).isEqualTo(Status.OK);
        assertThat(r.verdict().summary()).isEqualTo("mx1.corp.test accepts mail for alice@corp.test "
                + "(250 2.1.5 Ok).");
        assertThat(codes(r)).contains(FindingCode.RCPT_ACCEPTED);
        assertThat(mx1.received()).contains("MAIL FROM:<postmaster@mxdoctor.test>", "RCPT TO:<alice@corp.test>");
        assertThat(mx2.received()).as("the backup is probed up to RCPT too").contains("RCPT TO:<alice@corp.test>");
        assertThat(r.transcript()).anySatisfy(t -> assertThat(t.line())
                .isEqualTo("a sending MTA would try mx1.corp.test (preference 10), then mx2.corp.test (preference 20)"));
    }

    @Test
    void run_primaryDownBackupAccepts_isDegradedViaTheBackup() throws Exception {
        Report r = run("smtptest alice@down.test");
        assertThat(r.verdict().status()).isEqualTo(Status.DEGRADED);
        assertThat(r.verdict().summary()).isEqualTo("The primary MX mx1.down.test (connection refused) is down; "
                + "mail flows via the backup: mx2.down.test accepts mail for alice@down.test (250 2.1.5 Ok).");
        assertThat(codes(r)).contains(FindingCode.SMTP_CONNECT_REFUSED, FindingCode.MX_PRIMARY_UNREACHABLE);
    }

    @Test
    void run_primaryDownBackupRefusesToRelay_isTheClassicBackupMxFailure() throws Exception {
        mx2.reply("RCPT", "554 5.7.1 <alice@down.test>: Relay access denied");
        Report r = run("smtptest alice@down.test");
        assertThat(r.verdict().status()).isEqualTo(Status.FAILING);
        assertThat(r.verdict().summary()).isEqualTo("Mail to down.test is bouncing because the primary MX "
                + "mx1.down.test (connection refused) is down and the backup MX mx2.down.test refuses to relay for "
                + "the domain: 554 5.7.1 <alice@down.test>: Relay access denied.");
        assertThat(r.findings()).filteredOn(f -> f.code() == FindingCode.BACKUP_MX_RELAY_DENIED).singleElement()
                .satisfies(f -> {
                    assertThat(f.severity()).isEqualTo(Severity.CRITICAL);
                    assertThat(f.host()).isEqualTo("mx2.down.test");
                    assertThat(f.evidence()).isEqualTo("554 5.7.1 <alice@down.test>: Relay access denied");
                });
    }

    @Test
    void run_backupRefusesToRelayWhilePrimaryWorks_isOkWithAWarning() throws Exception {
        mx2.reply("RCPT", "554 5.7.1 <alice@corp.test>: Relay access denied");
        Report r = run("smtptest alice@corp.test");
        assertThat(r.verdict().status()).isEqualTo(Status.OK);
        assertThat(r.findings()).filteredOn(f -> f.code() == FindingCode.RELAY_DENIED).singleElement()
                .satisfies(f -> {
                    assertThat(f.host()).isEqualTo("mx2.corp.test");
                    assertThat(f.severity()).isEqualTo(Severity.WARNING);
                });
        assertThat(codes(r)).doesNotContain(FindingCode.BACKUP_MX_RELAY_DENIED);
    }

    @Test
    void run_unknownUser_isFailingWithTheReply() throws Exception {
        mx1.reply("RCPT", "550 5.1.1 <nobody@corp.test>: Recipient address rejected: User unknown in virtual "
                + "mailbox table");
        Report r = run("smtptest nobody@corp.test");
        assertThat(r.verdict().status()).isEqualTo(Status.FAILING);
        assertThat(r.verdict().summary()).isEqualTo("nobody@corp.test does not exist at mx1.corp.test: 550 5.1.1 "
                + "<nobody@corp.test>: Recipient address rejected: User unknown in virtual mailbox table.");
        assertThat(codes(r)).contains(FindingCode.RCPT_USER_UNKNOWN);
    }

    @Test
    void run_greylisted_isDegradedAndSaysMailWillGetThrough() throws Exception {
        mx1.reply("RCPT", "450 4.2.0 <alice@corp.test>: Recipient address rejected: Greylisted");
        Report r = run("smtptest alice@corp.test");
        assertThat(r.verdict().status()).isEqualTo(Status.DEGRADED);
        assertThat(r.verdict().summary()).startsWith("mx1.corp.test greylists: 450 4.2.0").contains("retries");
    }

    @Test
    void run_blocklisted_blamesTheSendingSideNamingTheList() throws Exception {
        mx1.reply("RCPT", "554 5.7.1 Service unavailable; Client host [127.0.0.1] blocked using zen.spamhaus.org");
        Report r = run("smtptest alice@corp.test");
        assertThat(r.verdict().status()).isEqualTo(Status.FAILING);
        assertThat(r.verdict().summary()).startsWith("mx1.corp.test refuses mxdoctor's sending IP as blocklisted "
                + "(zen.spamhaus.org)").endsWith("The problem is the sending side's IP, not the recipient.");
        assertThat(codes(r)).contains(FindingCode.BLOCKLISTED_BY_RECEIVER);
    }

    @Test
    void run_blocklistedOnANamedList_looksUpTheSourceAddressAndTheOrganisationsSenders() throws Exception {
        mx1.reply("RCPT", "554 5.7.1 Service unavailable; Client host blocked using rbl.test");
        Report r = run("smtptest alice@corp.test", false, List.of(), List.of(
                java.net.InetAddress.getByName("192.0.2.25"), java.net.InetAddress.getByName("192.0.2.26")));
        String from = r.mx().get(0).probes().get(0).localAddress().orElseThrow();
        Finding refused = r.findings().stream().filter(f -> f.code() == FindingCode.BLOCKLISTED_BY_RECEIVER)
                .findFirst().orElseThrow();
        assertThat(refused.detail()).contains("Confirmed: " + from + ", the address mxdoctor connected from, is "
                + "listed on rbl.test (listed (127.0.0.2)");
        assertThat(r.findings()).filteredOn(f -> f.code() == FindingCode.IP_BLOCKLISTED).singleElement()
                .satisfies(f -> {
                    assertThat(f.host()).isEqualTo("192.0.2.25");
                    assertThat(f.detail()).contains("one of the organisation's sender addresses").contains("our sender");
                });
        assertThat(r.transcript()).anySatisfy(t -> assertThat(t.line()).startsWith("connected in ")
                .endsWith(" ms from " + from));
    }

    @Test
    void run_blocklistedOnAListThatDoesNotListTheSource_saysSo() throws Exception {
        mx2.reply("RCPT", "554 5.7.1 Service unavailable; Client host blocked using zen.spamhaus.org");
        mx1.reply("RCPT", "554 5.7.1 Service unavailable; Client host blocked using zen.spamhaus.org");
        Report r = run("smtptest alice@corp.test");
        assertThat(r.findings()).filteredOn(f -> f.code() == FindingCode.BLOCKLISTED_BY_RECEIVER)
                .allSatisfy(f -> assertThat(f.detail()).contains("is not listed on zen.spamhaus.org now"));
    }

    @Test
    void run_senderRefused_isInconclusiveAboutTheRecipient() throws Exception {
        mx1.reply("MAIL", "553 5.1.8 <postmaster@mxdoctor.test>: Sender address rejected: Domain not found");
        Report r = run("smtptest alice@corp.test");
        assertThat(r.verdict().status()).isEqualTo(Status.INCONCLUSIVE);
        assertThat(codes(r)).contains(FindingCode.SENDER_REJECTED);
        assertThat(mx1.received()).doesNotContain("RCPT TO:<alice@corp.test>");
    }

    private static Finding only(Report r, FindingCode code) {
        return r.findings().stream().filter(f -> f.code() == code).findFirst().orElseThrow(() ->
                new AssertionError(code + " not among " + codes(r)));
    }

    @Test
    void run_spfFailsForTheProbeSender_isAboutMxdoctorsIdentityNotTheRecipient() throws Exception {
        mx1.reply("MAIL", "550 5.7.23 <postmaster@mxdoctor.test>: Sender address rejected: SPF validation failed");
        Report r = run("smtptest alice@corp.test");
        assertThat(r.verdict().status()).isEqualTo(Status.INCONCLUSIVE);
        assertThat(r.verdict().summary()).contains("refused mxdoctor's probe sender <postmaster@mxdoctor.test>")
                .contains("SPF validation failed").contains("not about corp.test").contains("`from`");
        Finding f = only(r, FindingCode.SENDER_NOT_AUTHENTICATED);
        assertThat(f.detail()).contains("5.7.23: permanent failure").contains("not authorised by the sender "
                + "domain's SPF record").contains("corp.test is not at fault");
        assertThat(f.advice()).startsWith("Nothing to fix at corp.test").contains("from you@your.domain")
                .doesNotContain("DKIM signature of");
    }

    @Test
    void run_dmarcFailsForTheUsersOwnSender_tellsThemToFixTheirDomain() throws Exception {
        mx1.reply("RCPT", "550-5.7.26 Unauthenticated email from shop.example is not accepted due to domain's",
                "550 5.7.26 DMARC policy.");
        Report r = run("smtptest alice@corp.test from orders@shop.example");
        assertThat(r.verdict().status()).isEqualTo(Status.FAILING);
        assertThat(r.verdict().summary()).contains("refuses mail from shop.example").contains("5.7.26")
                .contains("DMARC").contains("not corp.test");
        Finding f = only(r, FindingCode.SENDER_NOT_AUTHENTICATED);
        assertThat(f.stage()).isEqualTo(Finding.Stage.RCPT);
        assertThat(f.detail()).contains("shop.example (given with `from`)");
        assertThat(f.advice()).startsWith("Fix shop.example: its SPF record must authorise").contains("DKIM")
                .contains("PTR");
    }

    @Test
    void run_rateLimitedSender_isDegradedNotFailing() throws Exception {
        mx1.reply("RCPT", "421-4.7.28 Our system has detected an unusual rate of unsolicited mail originating",
                "421 4.7.28 from your IP address.");
        Report r = run("smtptest alice@corp.test from orders@shop.example");
        assertThat(r.verdict().status()).isEqualTo(Status.DEGRADED);
        assertThat(only(r, FindingCode.SENDER_NOT_AUTHENTICATED).detail()).contains("4.7.28: temporary failure");
    }

    @Test
    void run_mxDemandsAuthentication_isFailingOnTheReceivingSide() throws Exception {
        mx1.reply("MAIL", "530 5.7.0 Authentication required");
        Report r = run("smtptest alice@corp.test");
        assertThat(r.verdict().status()).isEqualTo(Status.FAILING);
        assertThat(r.verdict().summary()).startsWith("Nobody can deliver mail to corp.test")
                .contains("demands authentication at MAIL FROM").contains("submission server");
        Finding f = only(r, FindingCode.MX_REQUIRES_AUTHENTICATION);
        assertThat(f.severity()).isEqualTo(dev.mxdoctor.diagnosis.Severity.CRITICAL);
        assertThat(f.advice()).contains("without authentication on port 25");
    }

    @Test
    void run_disabledMailbox_isNotAnUnknownUser() throws Exception {
        mx1.reply("RCPT", "550 5.2.1 <alice@corp.test>: Recipient address rejected: Mailbox disabled, not "
                + "accepting messages");
        Report r = run("smtptest alice@corp.test");
        assertThat(r.verdict().status()).isEqualTo(Status.FAILING);
        assertThat(r.verdict().summary()).contains("mailbox exists but is disabled");
        assertThat(codes(r)).contains(FindingCode.RCPT_MAILBOX_DISABLED).doesNotContain(FindingCode.RCPT_USER_UNKNOWN);
        assertThat(only(r, FindingCode.RCPT_MAILBOX_DISABLED).detail()).contains("In words: 5.2.1: permanent failure "
                + "(a sender gives up and bounces): the mailbox is disabled");
    }

    @Test
    void run_startTlsAdvertisedButBroken_isDegradedAndSaysAtWhichStepAndForWhichSenders() throws Exception {
        mx1.reply("EHLO", "250-fake.test", "250 STARTTLS");
        mx1.reply("STARTTLS", "220 2.0.0 Ready to start TLS"); // and then no TLS at all
        Report r = run("smtptest alice@corp.test");
        assertThat(r.verdict().status()).isEqualTo(Status.DEGRADED);
        assertThat(r.verdict().summary()).contains("accepts mail for alice@corp.test")
                .contains("But STARTTLS fails there: senders that require TLS cannot deliver");
        Finding f = only(r, FindingCode.TLS_HANDSHAKE_FAILED);
        assertThat(f.detail()).contains("advertised STARTTLS and agreed to it, but the TLS handshake failed after "
                + "\"220 2.0.0 Ready to start TLS\"").contains("MTA-STS in enforce mode, DANE")
                .contains("late and unencrypted").doesNotContain("did not complete");
    }

    @Test
    void run_closeAfterMailOnEveryHost_isFailingNobodyTookIt() throws Exception {
        mx1.reply("MAIL", FakeSmtpServer.CLOSE);
        mx2.reply("MAIL", FakeSmtpServer.CLOSE);
        Report r = run("smtptest alice@corp.test");
        assertThat(r.verdict().status()).isEqualTo(Status.FAILING);
        assertThat(codes(r)).contains(FindingCode.SMTP_DISCONNECTED, FindingCode.MX_ALL_UNREACHABLE);
    }

    @Test
    void run_sendWithoutPermission_stopsAtRcptAndSaysWhy() throws Exception {
        Report r = run("smtptest alice@corp.test --send", false);
        assertThat(mx1.received()).doesNotContain("DATA");
        assertThat(r.verdict().summary()).endsWith("The test message was not sent: MXDOCTOR_ALLOW_SEND is not true.");
    }

    @Test
    void run_sendWithPermission_sendsALabelledDotStuffedMessage() throws Exception {
        Report r = run("smtptest alice@corp.test from bob@example.org --send", true);
        assertThat(r.verdict().status()).isEqualTo(Status.OK);
        assertThat(r.verdict().summary()).endsWith("It took the test message: 250 2.0.0 Ok: queued as FAKE1.");
        assertThat(mx1.received()).contains("DATA", "Subject: mxdoctor delivery test", "From: <bob@example.org>",
                "To: <alice@corp.test>", ".");
        assertThat(mx1.received()).anySatisfy(l -> assertThat(l).startsWith("Message-ID: <"));
        assertThat(mx2.received()).doesNotContain("DATA");
    }

    @Test
    void run_via_skipsTheMxLookupAndTalksToThatHost() throws Exception {
        Report r = run("smtptest alice@elsewhere.test via 127.0.3.42:" + mx1.port());
        assertThat(r.verdict().status()).isEqualTo(Status.OK);
        assertThat(mx2.received()).contains("RCPT TO:<alice@elsewhere.test>");
        assertThat(mx1.received()).isEmpty();
        assertThat(r.dns()).noneMatch(x -> x.question().endsWith(" MX"));
    }

    @Test
    void run_twoMxNamesOnOneAddress_dialsItOnceAndGivesBothTheResult() throws Exception {
        Report r = run("smtptest alice@twice.test");
        assertThat(mx1.received().stream().filter(l -> l.startsWith("EHLO"))).hasSize(1);
        assertThat(r.mx()).hasSize(2).allSatisfy(m -> assertThat(m.probes()).singleElement()
                .satisfies(p -> assertThat(p.outcome().label()).isEqualTo("ok")));
        assertThat(r.mx()).extracting(m -> m.probes().get(0).host()).containsExactly("a.twice.test", "b.twice.test");
        assertThat(r.transcript()).anySatisfy(t -> assertThat(t.line())
                .isEqualTo("the same address as a.twice.test: probed once, its dialogue is there"));
    }

    @Test
    void run_sendToADomainOutsideSendDomains_stopsBeforeDataAndNamesTheSetting() throws Exception {
        Report r = run("smtptest alice@corp.test --send", true, List.of("example.org"));
        assertThat(r.verdict().summary()).endsWith("The test message was not sent: corp.test is not among "
                + "MXDOCTOR_SEND_DOMAINS.");
        assertThat(mx1.received()).doesNotContain("DATA");
        Report allowed = run("smtptest alice@corp.test --send", true, List.of("test"));
        assertThat(mx1.received()).contains("DATA");
        assertThat(allowed.verdict().summary()).doesNotContain("not sent");
    }

    @Test
    void run_deadlineBeforeAnyServerGreets_isInconclusiveNotFailing() throws Exception {
        mx1.greeting(FakeSmtpServer.Greeting.SILENT);
        mx2.greeting(FakeSmtpServer.Greeting.SILENT);
        Report r = run("smtptest alice@corp.test --timeout 1");
        assertThat(r.verdict().status()).isEqualTo(Status.INCONCLUSIVE);
        assertThat(r.verdict().summary()).contains("ran out of time").contains("--timeout");
        assertThat(r.findings()).extracting(f -> f.code()).contains(FindingCode.RUN_DEADLINE_REACHED)
                .doesNotContain(FindingCode.SMTP_BANNER_TIMEOUT);
    }

    @Test
    void run_nullMx_failsWithoutConnecting() throws Exception {
        Report r = run("smtptest alice@nullmx.test");
        assertThat(r.verdict().status()).isEqualTo(Status.FAILING);
        assertThat(codes(r)).contains(FindingCode.MX_NULL);
        assertThat(r.transcript()).noneMatch(t -> t.dir() == 'C');
    }

    @Test
    void run_equalPreferences_transcriptSaysWhichOrderWasDrawn() throws Exception {
        Report r = run("smtptest alice@equal.test");
        assertThat(r.transcript()).anySatisfy(t -> assertThat(t.line())
                .matches("a sending MTA would try (a|b)\\.equal\\.test, (a|b)\\.equal\\.test \\(preference 10, "
                        + "equal: shuffled\\)"));
        assertThat(r.verdict().status()).isEqualTo(Status.OK);
    }

    @Test
    void run_everyHostBusy_isDegradedBecauseSendersRetry() throws Exception {
        mx1.greeting("421 4.7.0 mx1 Too many connections, try again later");
        mx2.greeting("421 4.7.0 mx2 Too many connections, try again later");
        Report r = run("smtptest alice@corp.test");
        assertThat(r.verdict().status()).isEqualTo(Status.DEGRADED);
        assertThat(r.verdict().summary()).startsWith("Mail to alice@corp.test is deferred for now: mx1.corp.test "
                + "(421 4.7.0 mx1 Too many connections, try again later)");
        assertThat(codes(r)).contains(FindingCode.SMTP_SERVICE_UNAVAILABLE);
    }

    @Test
    void run_findingPointsAtTheReplyLineInTheTranscript() throws Exception {
        mx1.reply("RCPT", "550 5.1.1 <nobody@corp.test>: Recipient address rejected: User unknown");
        Report r = run("smtptest nobody@corp.test");
        Finding unknown = r.findings().stream().filter(f -> f.code() == FindingCode.RCPT_USER_UNKNOWN).findFirst()
                .orElseThrow();
        int line = dev.mxdoctor.report.TranscriptRefs.of(unknown, r.transcript()).orElseThrow();
        assertThat(r.transcript().get(line).line()).isEqualTo(
                "550 5.1.1 <nobody@corp.test>: Recipient address rejected: User unknown");
        assertThat(r.transcript().get(line).host()).isEqualTo("mx1.corp.test");
    }
}
