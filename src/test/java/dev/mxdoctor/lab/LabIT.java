package dev.mxdoctor.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import dev.mxdoctor.testing.FakeSmtpServer;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The real command line (target/mxdoctor.jar, in its own JVM) against the lab's real BIND, Postfix and Exim on
 * 127.0.2.0/24 (lab/start). Skipped, with the reason, when the lab is not running; with -Dmxdoctor.lab=true
 * (as CI runs it) a missing lab is a failure instead.
 */
@Tag("lab")
class LabIT {

    private static final Path JAR = Path.of("target/mxdoctor.jar");
    private static final Map<String, String> ENV = new HashMap<>();

    private static String skipReason;

    @BeforeAll
    static void requireLab() throws IOException {
        Optional<Map<String, String>> lab = Lab.settings("LabIT");
        if (lab.isEmpty()) {
            skipReason = "lab tests skipped: the lab is not running";
            return;
        }
        ENV.putAll(lab.get());
        assertThat(JAR).as("target/mxdoctor.jar is built in the package phase, before the lab tests").exists();
        // Two histories that live through the whole suite, as a team's would: every scenario is run twice against
        // each, after every other scenario before it.
        postgres = EmbeddedPostgres.builder().start();
        DATABASES.put("sqlite", "jdbc:sqlite:" + Files.createTempDirectory("mxdoctor-lab").resolve("history.db"));
        DATABASES.put("postgresql", postgres.getJdbcUrl("postgres", "postgres"));
    }

    @AfterAll
    static void stopPostgres() throws IOException {
        if (postgres != null) {
            postgres.close();
        }
    }

    private static EmbeddedPostgres postgres;
    private static final Map<String, String> DATABASES = new java.util.LinkedHashMap<>();

    @BeforeEach
    void skipWithoutLab() {
        Assumptions.assumeTrue(skipReason == null, () -> skipReason);
    }

    record Result(int exit, JsonObject json, String stderr) {
        List<String> codes() {
            List<String> out = new ArrayList<>();
            for (JsonElement f : json.getAsJsonArray("findings")) {
                out.add(f.getAsJsonObject().get("code").getAsString());
            }
            return out;
        }

        String status() {
            return json.getAsJsonObject("verdict").get("status").getAsString();
        }

        String summary() {
            return json.getAsJsonObject("verdict").get("summary").getAsString();
        }

        /** The verdict's invariants, read from the JSON: no ok over an error, no degraded beside a critical. */
        List<String> invariantViolations() {
            List<String> out = new ArrayList<>();
            for (JsonElement f : json.getAsJsonArray("findings")) {
                String severity = f.getAsJsonObject().get("severity").getAsString();
                String code = f.getAsJsonObject().get("code").getAsString();
                if (status().equals("ok") && (severity.equals("error") || severity.equals("critical"))) {
                    out.add("ok over " + severity + " " + code);
                }
                if (status().equals("degraded") && severity.equals("critical")) {
                    out.add("degraded beside critical " + code);
                }
            }
            return out;
        }

        List<String> changes() {
            List<String> out = new ArrayList<>();
            json.getAsJsonArray("changes").forEach(c -> out.add(c.getAsString()));
            return out;
        }
    }

    static Result mxdoctor(Map<String, String> extraEnv, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-jar", JAR.toString()));
        command.addAll(List.of(args));
        command.add("--json");
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().putAll(ENV);
        pb.environment().putAll(extraEnv);
        Path err = Files.createTempFile("mxdoctor", ".err");
        pb.redirectError(err.toFile());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("mxdoctor did not finish: " + String.join(" ", args));
        }
        String stderr = Files.readString(err);
        Files.delete(err);
        try {
            JsonElement json = JsonParser.parseString(out);
            JsonObject o = json.isJsonObject() ? json.getAsJsonObject() : new JsonObject();
            if (json.isJsonArray()) {
                o.add("runs", json); // the history command's answer
            }
            return new Result(p.exitValue(), o, stderr);
        } catch (RuntimeException e) {
            throw new AssertionError("not JSON from '" + String.join(" ", args) + "': " + out + "\n" + stderr, e);
        }
    }

    @ParameterizedTest(name = "{0} → {1}, {2}")
    @CsvSource(delimiterString = " | ", value = {
        "mx healthy.lab.test                | ok           | !MX_SINGLE_HOST",
        "mx silent.lab.test                 | failing      | MX_SINGLE_HOST",
        "smtptest alice@healthy.lab.test    | ok           | RCPT_ACCEPTED",
        "smtptest nobody@healthy.lab.test   | failing      | RCPT_USER_UNKNOWN",
        "smtptest alice@backup.lab.test     | failing      | BACKUP_MX_RELAY_DENIED",
        "smtptest alice@backupok.lab.test   | degraded     | MX_PRIMARY_UNREACHABLE",
        "mx backup.lab.test                 | degraded     | SMTP_CONNECT_REFUSED",
        "smtptest alice@blocked.lab.test    | failing      | BLOCKLISTED_BY_RECEIVER",
        "mx notls.lab.test                  | ok           | TLS_NOT_OFFERED",
        "mx selfsigned.lab.test             | ok           | TLS_CERT_UNTRUSTED",
        "smtptest alice@exim.lab.test       | ok           | RCPT_ACCEPTED",
        "smtptest nobody@exim.lab.test      | failing      | RCPT_USER_UNKNOWN",
        "smtptest alice@greylist.lab.test   | degraded     | GREYLISTED",
        "mx garbage.lab.test                | failing      | SMTP_PROTOCOL_ERROR",
        "mx busy.lab.test                   | degraded     | PTR_MISSING",
        "mx silent.lab.test                 | failing      | SMTP_BANNER_TIMEOUT",
        "mx slow.lab.test                   | ok           | SMTP_BANNER_SLOW",
        "mx busy.lab.test                   | degraded     | SMTP_SERVICE_UNAVAILABLE",
        "smtptest alice@dropmail.lab.test   | failing      | SMTP_DISCONNECTED",
        "smtptest alice@spf.lab.test        | inconclusive | SENDER_NOT_AUTHENTICATED",
        "smtptest alice@submission.lab.test | failing      | MX_REQUIRES_AUTHENTICATION",
        "smtptest bob@disabled.lab.test     | failing      | RCPT_MAILBOX_DISABLED",
        "mx slowdead.lab.test               | degraded     | SMTP_CONNECT_TIMEOUT",
        "mx nullmx.lab.test                 | failing      | MX_NULL",
        "mx nomx.lab.test                   | degraded     | MX_NONE_IMPLICIT",
        "mx alias.lab.test                  | ok           | MX_TARGET_CNAME",
        "mx nohost.lab.test                 | failing      | MX_TARGET_NO_ADDRESS",
        "mx missing.lab.test                | failing      | DOMAIN_NXDOMAIN",
        "mx migrating.lab.test              | degraded     | DNS_ANSWERS_DIFFER",
        "mx deadns.lab.test                 | failing      | DNS_NS_UNRESPONSIVE",
        "mx lamens.lab.test                 | failing      | DNS_NS_UNRESPONSIVE",
        "mx expired.lab.test @127.0.2.55    | failing      | DNSSEC_BOGUS",
        "blocklist backup.lab.test          | failing      | IP_BLOCKLISTED",
        "blocklist healthy.lab.test         | ok           | !IP_BLOCKLISTED",
        "blocklist blocked.lab.test         | failing      | DOMAIN_BLOCKLISTED",
        "auth healthy.lab.test lab          | ok           | !DKIM_KEY_MISSING",
        "auth backup.lab.test               | failing      | SPF_ALL_PERMISSIVE",
        "auth stale.dane.lab.test           | failing      | DANE_TLSA_MISMATCH",
        "mx stale.dane.lab.test             | failing      | DANE_TLSA_MISMATCH",
        "mx dane.lab.test                   | ok           | !DANE_TLSA_MISMATCH",
    })
    void scenario_verdictAndKeyFinding_twiceOnEachHistory(String command, String status, String finding)
            throws Exception {
        int expectedExit = switch (status) {
            case "ok" -> 0;
            case "degraded" -> 1;
            case "failing" -> 2;
            default -> 3;
        };
        for (Map.Entry<String, String> db : DATABASES.entrySet()) {
            Map<String, String> env = Map.of("MXDOCTOR_DB", db.getValue());
            Result first = mxdoctor(env, command.split(" "));
            assertThat(first.status()).as(db.getKey() + ": " + first.summary()).isEqualTo(status);
            if (finding.startsWith("!")) { // a finding that must not be there (noise the rules should not make)
                assertThat(first.codes()).as(db.getKey() + ": " + first.summary()).doesNotContain(finding.substring(1));
            } else {
                assertThat(first.codes()).as(db.getKey() + ": " + first.summary()).contains(finding);
            }
            assertThat(first.exit()).isEqualTo(expectedExit);
            assertThat(first.invariantViolations()).as(db.getKey() + ": " + command).isEmpty();
            // The second run answers like the first, and says that nothing changed.
            Result second = mxdoctor(env, command.split(" "));
            assertThat(second.exit()).as(db.getKey() + ", second run: " + second.stderr()).isEqualTo(expectedExit);
            assertThat(second.status()).isEqualTo(first.status());
            assertThat(second.codes()).containsExactlyInAnyOrderElementsOf(first.codes());
            assertThat(second.changes()).as(db.getKey()).isEmpty();
            assertThat(second.stderr()).as(db.getKey()).doesNotContain("not in the history").doesNotContain("error");
        }
    }

    /** The lab's lists through the real CLI: a ZEN code in words, a refusing list, a list that lists everything. */
    @Test
    void blocklist_meaningsRefusalsAndBrokenLists() throws Exception {
        Result backup = mxdoctor(Map.of("MXDOCTOR_DB", "none"), "blocklist", "backup.lab.test");
        assertThat(backup.summary()).startsWith("127.0.2.11 (mx-relaydeny.lab.test) is listed on dnsbl.lab.test (SBL)");
        JsonObject listing = backup.json.getAsJsonArray("listings").asList().stream().map(JsonElement::getAsJsonObject)
                .filter(l -> l.get("status").getAsString().equals("listed")).findFirst().orElseThrow();
        assertThat(listing.get("reason").getAsString()).contains("lab SBL listing of mx-relaydeny");
        assertThat(listing.get("removal").getAsString()).isEqualTo("https://check.spamhaus.org/");
        Result lists = mxdoctor(Map.of("MXDOCTOR_DB", "none", "MXDOCTOR_DNSBLS",
                "spamhaus-zen:dnsbl.lab.test,spamhaus-zen:refusing.lab.test,bl.lab.test"), "blocklist", "127.0.2.13");
        assertThat(lists.status()).isEqualTo("failing");
        assertThat(lists.summary()).contains("127.0.2.13 is listed on dnsbl.lab.test (PBL, listed by the ISP)");
        assertThat(lists.codes()).containsExactlyInAnyOrder("DNSBL_QUERY_REFUSED", "DNSBL_UNRELIABLE",
                "IP_BLOCKLISTED");
        assertThat(lists.json.toString()).contains("bl.lab.test lists 127.0.0.1");
        // The real Postfix refuses mxdoctor "blocked using bl.lab.test": mxdoctor asks that list about the address it
        // connected from, and about the organisation's senders.
        Result refused = mxdoctor(Map.of("MXDOCTOR_DB", "none", "MXDOCTOR_SENDER_IPS", "127.0.2.12,127.0.2.99"),
                "smtptest", "alice@blocked.lab.test");
        JsonObject finding = refused.json.getAsJsonArray("findings").asList().stream()
                .map(JsonElement::getAsJsonObject)
                .filter(f -> f.get("code").getAsString().equals("BLOCKLISTED_BY_RECEIVER")).findFirst().orElseThrow();
        assertThat(finding.get("detail").getAsString()).containsPattern("Confirmed: 127\\.0\\.[02]\\.\\d+, the "
                + "address mxdoctor connected from, is listed on bl\\.lab\\.test");
        assertThat(refused.codes()).contains("IP_BLOCKLISTED");
    }

    /** Sender authentication as BIND serves it: a real 2048-bit DKIM key, SPF, DMARC and TLS-RPT all read. */
    @Test
    void auth_healthy_readsEveryRecordFromTheRealBind() throws Exception {
        Result r = mxdoctor(Map.of("MXDOCTOR_DB", "none"), "auth", "healthy.lab.test", "lab");
        assertThat(r.summary()).isEqualTo("healthy.lab.test: SPF: ok (1 of 10 look-ups, -all); DMARC: p=reject; "
                + "DKIM: lab (2048-bit RSA); MTA-STS: none; TLS-RPT: reports to mailto:tlsrpt@healthy.lab.test; "
                + "DANE: mx-healthy.lab.test no TLSA.");
        assertThat(r.json.getAsJsonArray("records").toString()).contains("lab._domainkey.healthy.lab.test.");
    }

    /**
     * DANE on BIND's signed zone (dnssec-signzone, the key made at lab start, its DS record as mxdoctor's trust
     * anchor): the TLSA record of the healthy Postfix's key matches what it presents after STARTTLS; a record of
     * another key is the critical mismatch, with the record to publish computed from the certificate served.
     */
    @Test
    void auth_dane_validatesBindsSignedZone_andComparesTheRealPostfixCertificate() throws Exception {
        Result good = mxdoctor(Map.of("MXDOCTOR_DB", "none"), "auth", "dane.lab.test");
        assertThat(good.summary()).contains("DANE: mx.dane.lab.test TLSA secure and matching.");
        assertThat(good.codes()).noneMatch(c -> c.startsWith("DANE_"));
        assertThat(good.json.getAsJsonArray("dns").asList().stream().map(JsonElement::getAsJsonObject)
                .filter(x -> x.get("question").getAsString().equals("_25._tcp.mx.dane.lab.test. TLSA")))
                .singleElement().satisfies(x -> assertThat(x.get("ad").getAsBoolean()).isTrue());
        String spki = new String(new ProcessBuilder("sh", "-c", "openssl x509 -in lab/run/tls/mx-healthy.pem -noout "
                + "-pubkey | openssl pkey -pubin -outform DER | sha256sum | cut -d' ' -f1").start().getInputStream()
                .readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII).strip();
        Result stale = mxdoctor(Map.of("MXDOCTOR_DB", "none"), "auth", "stale.dane.lab.test");
        JsonObject mismatch = stale.json.getAsJsonArray("findings").asList().stream().map(JsonElement::getAsJsonObject)
                .filter(f -> f.get("code").getAsString().equals("DANE_TLSA_MISMATCH")).findFirst().orElseThrow();
        assertThat(mismatch.get("detail").getAsString()).contains("IN TLSA 3 1 1 " + spki + "`");
        // With the root's anchors instead of the lab's, the lab's BIND (authoritative only) has no signed root to
        // give: the resolver is named as what stops validation, and the domain is not blamed.
        Result unanchored = mxdoctor(Map.of("MXDOCTOR_DB", "none", "MXDOCTOR_DNSSEC_ANCHORS", ""), "auth",
                "stale.dane.lab.test");
        assertThat(unanchored.codes()).contains("DANE_UNVERIFIED").doesNotContain("DANE_TLSA_MISMATCH",
                "DNSSEC_BOGUS");
    }

    /**
     * When the resolver fails, whose failure it is, in words, on real BIND: a delegation to an address where no name
     * server listens and one to a server that refuses the zone fail for every resolver; a zone whose signatures ran
     * out fails at a validating resolver (ns3) that still answers with checking disabled.
     */
    @Test
    void mx_resolverFailures_sayWhoseFailureItIs() throws Exception {
        Result dead = mxdoctor(Map.of("MXDOCTOR_DB", "none"), "mx", "deadns.lab.test");
        assertThat(dead.summary()).startsWith("Mail to deadns.lab.test is held up at every resolver, not only this one: "
                + "the name servers it is delegated to do not answer for it (ns-dead.lab.test [127.0.2.9]: no answer)");
        Result lame = mxdoctor(Map.of("MXDOCTOR_DB", "none"), "mx", "lamens.lab.test");
        assertThat(lame.summary()).contains("(ns2.lab.test [127.0.2.54]: lame (REFUSED))");
        Result expired = mxdoctor(Map.of("MXDOCTOR_DB", "none"), "mx", "expired.lab.test", "@127.0.2.55");
        assertThat(expired.summary()).startsWith("Mail to expired.lab.test is held up at every resolver that "
                + "validates DNSSEC");
        assertThat(expired.codes().get(0)).isEqualTo("DNSSEC_BOGUS");
        assertThat(expired.json.getAsJsonArray("dns").toString()).contains("expired.lab.test. MX +cd");
    }

    /** The open-relay test on the lab's real Postfix: off by default; finds the open relay, and not the closed ones. */
    @Test
    void relaytest_findsTheOpenRelayAndPassesTheClosedOnes_twiceOnOneHistory() throws Exception {
        Result off = mxdoctor(Map.of("MXDOCTOR_DB", "none"), "relaytest", "openrelay.lab.test");
        assertThat(off.status()).isEqualTo("inconclusive");
        assertThat(off.summary()).contains("MXDOCTOR_ALLOW_RELAYTEST=true");
        Map<String, String> env = Map.of("MXDOCTOR_DB", DATABASES.get("sqlite"), "MXDOCTOR_ALLOW_RELAYTEST", "true");
        for (int run = 0; run < 2; run++) {
            Result open = mxdoctor(env, "relaytest", "openrelay.lab.test");
            assertThat(open.status()).as(open.summary()).isEqualTo("failing");
            assertThat(open.summary()).startsWith("Open relay: mx-openrelay.lab.test [127.0.2.15] (external sender "
                    + "to external recipient");
            assertThat(open.codes()).contains("OPEN_RELAY");
            assertThat(open.exit()).isEqualTo(2);
            Result closed = mxdoctor(env, "relaytest", "backup.lab.test");
            assertThat(closed.summary()).as(closed.summary()).contains("relay attempts");
            assertThat(closed.codes()).doesNotContain("OPEN_RELAY");
            if (run == 1) {
                assertThat(open.changes()).isEmpty();
            }
        }
        // Nothing was ever sent: no DATA in the open relay's log, only the refused or reset envelopes.
        assertThat(Files.readString(Path.of("lab/run/postfix/openrelay/maillog"))).doesNotContain("DATA");
    }

    /** Refusals about the sender, and receiver-side refusals that are not: whose side, which stage, what it means. */
    @Test
    void senderAndReceiverSideRefusals_sayWhoseProblemItIs() throws Exception {
        Map<String, String> env = Map.of("MXDOCTOR_DB", "none");
        Result probe = mxdoctor(env, "smtptest", "alice@spf.lab.test");
        assertThat(probe.summary()).contains("refused mxdoctor's probe sender <probe@mxdoctor.lab.test> at MAIL FROM")
                .contains("5.7.23").contains("SPF validation failed").contains("not about spf.lab.test");
        Result own = mxdoctor(env, "smtptest", "alice@spf.lab.test", "from", "orders@shop.example");
        assertThat(own.status()).isEqualTo("failing");
        assertThat(own.summary()).contains("refuses mail from shop.example").contains("5.7.23")
                .contains("not spf.lab.test");
        Result submission = mxdoctor(env, "smtptest", "alice@submission.lab.test");
        assertThat(submission.summary()).startsWith("Nobody can deliver mail to submission.lab.test")
                .contains("530 5.7.0 Authentication required");
        Result disabled = mxdoctor(env, "smtptest", "bob@disabled.lab.test");
        assertThat(disabled.summary()).contains("bob@disabled.lab.test's mailbox exists but is disabled");
        assertThat(disabled.codes()).doesNotContain("RCPT_USER_UNKNOWN");
    }

    @Test
    void mx_hostStoppedThenStarted_eachRunSaysWhatChanged() throws Exception {
        for (Map.Entry<String, String> db : DATABASES.entrySet()) {
            Map<String, String> env = Map.of("MXDOCTOR_DB", db.getValue());
            Result down = mxdoctor(env, "mx", "flappy.lab.test");
            assertThat(down.status()).isEqualTo("failing");
            Result up;
            try (FakeSmtpServer server = FakeSmtpServer.start(new InetSocketAddress("127.0.2.40", 25))) {
                up = mxdoctor(env, "mx", "flappy.lab.test");
            }
            assertThat(up.status()).as(up.summary()).isIn("ok", "degraded");
            assertThat(up.changes()).as(db.getKey()).anyMatch(c -> c.startsWith("verdict failing → "))
                    .anyMatch(c -> c.matches("mx-flappy\\.lab\\.test \\[127\\.0\\.2\\.40\\] answers again since "
                            + "\\d\\d:\\d\\d; it was refused at \\d\\d:\\d\\d"));
            Result downAgain = mxdoctor(env, "mx", "flappy.lab.test");
            assertThat(downAgain.changes()).as(db.getKey()).anyMatch(c -> c.matches("mx-flappy\\.lab\\.test "
                    + "\\[127\\.0\\.2\\.40\\] is refused since \\d\\d:\\d\\d; it answered at \\d\\d:\\d\\d"));
            Result history = mxdoctor(env, "history", "flappy.lab.test");
            assertThat(history.exit()).isZero();
            assertThat(history.json.getAsJsonArray("runs")).hasSize(3).allSatisfy(r -> assertThat(
                    r.getAsJsonObject().get("state").getAsString()).isEqualTo("done"));
        }
    }

    @Test
    void mx_healthy_probeShowsTrustedTlsAndTheRealPostfixBanner() throws Exception {
        Result r = mxdoctor(Map.of(), "mx", "healthy.lab.test");
        JsonObject probe = r.json.getAsJsonArray("mx").get(0).getAsJsonObject().getAsJsonArray("probes").get(0)
                .getAsJsonObject();
        assertThat(probe.get("banner").getAsString()).isEqualTo("220 mx-healthy.lab.test ESMTP mxdoctor lab "
                + "(healthy)");
        JsonObject tls = probe.getAsJsonObject("tls");
        assertThat(tls.get("trusted").getAsBoolean()).isTrue();
        assertThat(tls.get("namesHost").getAsBoolean()).isTrue();
        assertThat(tls.get("protocol").getAsString()).isIn("TLSv1.2", "TLSv1.3");
        // BIND's 127.in-addr.arpa names the address mx-healthy.lab.test, which resolves back to it.
        assertThat(probe.getAsJsonArray("ptr").get(0).getAsString()).isEqualTo("mx-healthy.lab.test");
        assertThat(probe.get("ptrForwardConfirmed").getAsBoolean()).isTrue();
        assertThat(r.codes()).doesNotContain("PTR_MISSING", "PTR_MISMATCH", "BANNER_HOSTNAME_MISMATCH");
    }

    @Test
    void smtptest_backup_summaryNamesTheRootCause() throws Exception {
        Result r = mxdoctor(Map.of(), "smtptest", "alice@backup.lab.test");
        assertThat(r.summary()).isEqualTo("Mail to backup.lab.test is bouncing because the primary MX "
                + "mx-dead.lab.test (connection refused) is down and the backup MX mx-relaydeny.lab.test refuses to "
                + "relay for the domain: 554 5.7.1 <alice@backup.lab.test>: Relay access denied.");
    }

    @Test
    void smtptest_send_isRefusedUnlessConfigurationAllowsIt() throws Exception {
        Result refused = mxdoctor(Map.of(), "smtptest", "alice@healthy.lab.test", "--send");
        assertThat(refused.summary()).endsWith("The test message was not sent: MXDOCTOR_ALLOW_SEND is not true.");
        Result sent = mxdoctor(Map.of("MXDOCTOR_ALLOW_SEND", "true"), "smtptest", "alice@healthy.lab.test",
                "--send");
        assertThat(sent.status()).isEqualTo("ok");
        assertThat(sent.summary()).contains("It took the test message: 250 2.0.0 Ok: queued as");
    }

    @Test
    void mx_withoutAllowTargets_probesNothingAndSaysWhy() throws Exception {
        Result r = mxdoctor(Map.of("MXDOCTOR_ALLOW_TARGETS", ""), "mx", "healthy.lab.test");
        assertThat(r.status()).isEqualTo("inconclusive");
        assertThat(r.codes()).contains("TARGET_NOT_ALLOWED");
        JsonArray transcript = r.json.getAsJsonArray("transcript");
        for (JsonElement t : transcript) {
            assertThat(t.getAsJsonObject().get("dir").getAsString()).isNotEqualTo("C");
        }
    }

    @Test
    void dns_txtOfTheBlocklistEntry_isAnsweredByBind() throws Exception {
        Result r = mxdoctor(Map.of(), "dns", "12.2.0.127.bl.lab.test", "TXT");
        assertThat(r.status()).isEqualTo("ok");
        assertThat(r.json.getAsJsonArray("records").get(0).getAsJsonObject().get("data").getAsString())
                .contains("mxdoctor lab blocklist");
    }

    @Test
    void mx_refusedPrimary_isPingedToTellAFilteredPortFromADeadHost() throws Exception {
        Result r = mxdoctor(Map.of("MXDOCTOR_PING", "true"), "mx", "backup.lab.test");
        JsonObject dead = r.json.getAsJsonArray("mx").get(0).getAsJsonObject().getAsJsonArray("probes").get(0)
                .getAsJsonObject();
        assertThat(dead.get("outcome").getAsString()).isEqualTo("refused");
        // lab/install installs iputils-ping; as root it may send ICMP echo to the lab's own loopback address.
        assertThat(dead.getAsJsonObject("ping").get("result").getAsString()).isEqualTo("reply");
        assertThat(r.json.getAsJsonArray("findings").toString())
                .contains("the host answers ping").contains("port 25 is closed");
    }
}
