package dev.mxdoctor;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.mxdoctor.testing.FakeDnsServer;
import dev.mxdoctor.testing.FakeSmtpServer;
import dev.mxdoctor.testing.Zones;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line end to end (in-process), against the fake DNS server. */
class MainTest {

    private static FakeDnsServer dns;
    private static FakeSmtpServer mx1;
    private static FakeSmtpServer mx2;
    private static Map<String, String> env;

    private static java.nio.file.Path db;

    @BeforeAll
    static void start() throws Exception {
        db = java.nio.file.Files.createTempDirectory("mxdoctor-main").resolve("history.db");
        var pair = FakeSmtpServer.onSamePort("127.0.3.21", "127.0.3.22");
        mx1 = pair.get(0);
        mx2 = pair.get(1);
        dns = FakeDnsServer.start(
                Zones.zone("ok.test", "@ MX 10 mx1", "@ MX 20 mx2", "mx1 A 127.0.3.21", "mx2 A 127.0.3.22",
                        "@ TXT \"v=spf1 -all\""),
                Zones.zone("2.0.192.in-addr.arpa", "1 PTR mx1.ok.test."),
                Zones.zone("3.0.127.in-addr.arpa", "21 PTR mx1.ok.test.", "22 PTR stale-name.ok.test."));
        env = Map.of("MXDOCTOR_DNS", "127.0.0.1:" + dns.port(), "MXDOCTOR_NS_PORT", String.valueOf(dns.port()),
                "MXDOCTOR_DNS_TIMEOUT_MS", "300", "MXDOCTOR_SMTP_PORT", String.valueOf(mx1.port()),
                "MXDOCTOR_ALLOW_TARGETS", "127.0.0.0/8", "MXDOCTOR_HELO", "mxdoctor.test", "MXDOCTOR_PING", "off",
                "MXDOCTOR_DB", "jdbc:sqlite:" + db);
    }

    @AfterAll
    static void stop() {
        dns.close();
        mx1.close();
        mx2.close();
    }

    private record Run(int status, String out, String err) {}

    private static Run run(Map<String, String> environment, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Main.run(args, environment, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), false);
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void relaytest_isOffByDefault_andKeptToTheSendDomainsWhenTheyAreSet() {
        Run off = run(env, "relaytest", "ok.test");
        assertThat(off.status()).isEqualTo(3);
        assertThat(off.out()).contains("MXDOCTOR_ALLOW_RELAYTEST=true");
        java.util.Map<String, String> allowed = new java.util.HashMap<>(env);
        allowed.put("MXDOCTOR_ALLOW_RELAYTEST", "true");
        allowed.put("MXDOCTOR_SEND_DOMAINS", "corp.example");
        Run elsewhere = run(allowed, "relaytest", "ok.test");
        assertThat(elsewhere.status()).isEqualTo(3);
        assertThat(elsewhere.out()).contains("only the domains MXDOCTOR_SEND_DOMAINS lists (corp.example)");
        assertThat(mx1.received()).noneMatch(l -> l.startsWith("RCPT TO:<relaytest"));
    }

    @Test
    void mx_json_printsTheContractReport() {
        Run r = run(env, "mx", "ok.test", "--json");
        assertThat(r.status()).isZero();
        JsonObject json = JsonParser.parseString(r.out()).getAsJsonObject();
        assertThat(json.keySet()).contains("command", "query", "resolver", "started", "elapsedMs", "verdict",
                "findings", "mx", "transcript");
        assertThat(json.get("command").getAsString()).isEqualTo("mx");
        assertThat(json.get("query").getAsString()).isEqualTo("ok.test");
        assertThat(json.get("resolver").getAsString()).isEqualTo("127.0.0.1:" + dns.port());
        assertThat(json.getAsJsonObject("verdict").get("status").getAsString()).isEqualTo("ok");
        JsonObject first = json.getAsJsonArray("mx").get(0).getAsJsonObject();
        assertThat(first.get("preference").getAsInt()).isEqualTo(10);
        assertThat(first.get("host").getAsString()).isEqualTo("mx1.ok.test");
        assertThat(first.getAsJsonArray("addresses").get(0).getAsString()).isEqualTo("127.0.3.21");
        JsonObject probe = first.getAsJsonArray("probes").get(0).getAsJsonObject();
        assertThat(probe.get("outcome").getAsString()).isEqualTo("ok");
        assertThat(probe.get("port").getAsInt()).isEqualTo(mx1.port());
        assertThat(probe.get("banner").getAsString()).isEqualTo("220 fake.test ESMTP ready");
        assertThat(probe.has("connectMs")).isTrue();
        assertThat(json.getAsJsonArray("transcript").get(0).getAsJsonObject().get("dir").getAsString())
                .isEqualTo("I");
        assertThat(probe.getAsJsonArray("ptr").get(0).getAsString()).isEqualTo("mx1.ok.test");
        assertThat(probe.get("ptrForwardConfirmed").getAsBoolean()).isTrue();
        String findings = json.getAsJsonArray("findings").toString();
        assertThat(findings).contains("\"code\":\"PTR_MISMATCH\",\"severity\":\"warning\"")
                .contains("stale-name.ok.test, which does not resolve back to 127.0.3.22")
                .contains("BANNER_HOSTNAME_MISMATCH").contains("greets as fake.test");
    }

    @Test
    void mx_text_showsVerdictFirstThenTheTable() {
        Run r = run(env, "mx", "ok.test");
        assertThat(r.status()).isZero();
        assertThat(r.out().lines().findFirst().orElseThrow()).startsWith("OK  Mail for ok.test goes to mx1.ok.test");
        assertThat(r.out()).containsPattern("10 +mx1\\.ok\\.test +300s +127\\.0\\.3\\.21 +ok")
                .containsPattern("20 +mx2\\.ok\\.test");
        assertThat(r.out()).contains("C: EHLO mxdoctor.test").contains("S: 220 fake.test ESMTP ready");
        assertThat(r.out()).containsPattern("transcript line \\d+ · docs/findings.md#tls_not_offered");
        assertThat(r.out()).doesNotContain("\u001b[");
    }

    @Test
    void mx_failingDomain_exitsTwo() {
        Run r = run(env, "mx", "missing.ok.test", "--json");
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.out()).contains("\"code\": \"DOMAIN_NXDOMAIN\"");
    }

    @Test
    void dns_txt_printsRecordsLikeDig() {
        Run r = run(env, "dns", "ok.test", "TXT");
        assertThat(r.status()).isZero();
        assertThat(r.out()).containsPattern("ok\\.test\\. +300 IN TXT +\"v=spf1 -all\"");
        assertThat(r.out()).contains("ok.test. TXT").contains("from 127.0.0.1:" + dns.port());
    }

    @Test
    void dns_ipAddress_asksForPtr() {
        Run r = run(env, "dns", "192.0.2.1", "--json");
        JsonObject json = JsonParser.parseString(r.out()).getAsJsonObject();
        assertThat(json.get("query").getAsString()).isEqualTo("192.0.2.1");
        assertThat(json.getAsJsonArray("records").get(0).getAsJsonObject().get("data").getAsString())
                .isEqualTo("mx1.ok.test.");
    }

    @Test
    void smtptest_acceptedRecipient_exitsZeroAndShowsTheDialogue() {
        Run r = run(env, "smtptest", "alice@ok.test", "from", "bob@example.org");
        assertThat(r.status()).isZero();
        assertThat(r.out()).startsWith("OK  mx1.ok.test accepts mail for alice@ok.test (250 2.1.5 Ok).")
                .contains("C: MAIL FROM:<bob@example.org>").contains("C: RCPT TO:<alice@ok.test>");
    }

    @Test
    void history_recordsEveryRunAndSaysWhatChanged() {
        Run first = run(env, "mx", "ok.test");
        assertThat(first.status()).isZero();
        mx2.greeting(FakeSmtpServer.Greeting.CLOSE);
        try {
            Run second = run(env, "mx", "ok.test");
            assertThat(second.out()).contains("Changes since the previous run of mx ok.test:")
                    .containsPattern("mx2\\.ok\\.test \\[127\\.0\\.3\\.22\\] is disconnected since \\d\\d:\\d\\d; it "
                            + "answered at \\d\\d:\\d\\d")
                    .contains("verdict ok → degraded");
        } finally {
            mx2.greeting(FakeSmtpServer.Greeting.NORMAL);
        }
        Run history = run(env, "history", "ok.test", "--json", "--limit", "2");
        assertThat(history.status()).isZero();
        var runs = JsonParser.parseString(history.out()).getAsJsonArray();
        assertThat(runs).hasSize(2);
        JsonObject newest = runs.get(0).getAsJsonObject();
        assertThat(newest.keySet()).contains("id", "started", "command", "query", "requester", "verdict", "changes");
        assertThat(newest.getAsJsonObject("verdict").get("status").getAsString()).isEqualTo("degraded");
        assertThat(newest.getAsJsonArray("changes").toString()).contains("verdict ok → degraded");
        Run byCode = run(env, "history", "--code", "smtp_disconnected");
        assertThat(byCode.out()).contains("DEGRADED").contains("mx       ok.test");
    }

    @Test
    void usageError_exits64WithMessageAndUsageOnStderr() {
        Run r = run(env, "mx", "exa$mple.com");
        assertThat(r.status()).isEqualTo(64);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).startsWith("mxdoctor: '$' cannot be in a host name").contains("usage: mx <domain>");
    }

    @Test
    void noArguments_exits64WithTheCommandList() {
        Run r = run(env);
        assertThat(r.status()).isEqualTo(64);
        assertThat(r.err()).contains("no command given").contains("dns <name>");
    }

    @Test
    void badConfiguration_namesTheVariable() {
        Run r = run(Map.of("MXDOCTOR_DNS", "not a resolver!"), "mx", "ok.test");
        assertThat(r.status()).isEqualTo(78);
        assertThat(r.err()).startsWith("mxdoctor: configuration: MXDOCTOR_DNS:");
    }

    @Test
    void bot_withoutTokens_saysWhichVariablesAreMissingAndExits78() {
        Run r = run(Map.of("MXDOCTOR_DB", "jdbc:sqlite:" + db), "bot");
        assertThat(r.status()).isEqualTo(78);
        assertThat(r.err()).contains("SLACK_BOT_TOKEN").contains("SLACK_APP_TOKEN").contains("manifest.yml");
    }

    @Test
    void bot_withSeveralBadSettings_listsEveryProblemAndExits78() {
        Run r = run(Map.of("MXDOCTOR_DB", "jdbc:sqlite:" + db, "SLACK_BOT_TOKEN", "xoxp-user-token",
                "SLACK_SIGNING_SECRET", "s", "MXDOCTOR_MAX_RUNS", "many", "MXDOCTOR_HTTP_PORT", "99999"), "bot");
        assertThat(r.status()).isEqualTo(78);
        assertThat(r.err()).contains("3 problems").contains("  - SLACK_BOT_TOKEN must be a bot token")
                .contains("  - MXDOCTOR_MAX_RUNS must be a whole number").contains("  - MXDOCTOR_HTTP_PORT must be "
                        + "between 0 and 65535").doesNotContain("xoxp-user-token");
    }

    @Test
    void help_printsUsageAndExitsZero() {
        Run r = run(env, "help", "dns");
        assertThat(r.status()).isZero();
        assertThat(r.out()).startsWith("usage: dns <name> [type] [@resolver]");
    }

    @Test
    void help_saysWhereTheHistoryIs() {
        assertThat(run(Map.of("XDG_DATA_HOME", "/srv/data"), "help").out())
                .contains("History: jdbc:sqlite:/srv/data/mxdoctor/history.db");
        assertThat(run(Map.of("HOME", "/home/ann"), "help").out())
                .contains("History: jdbc:sqlite:/home/ann/.local/share/mxdoctor/history.db");
        assertThat(run(Map.of("MXDOCTOR_DB", "none"), "help").out()).contains("History: off (MXDOCTOR_DB=none)");
    }

    @Test
    void historyOff_answersAndRecordsNothing() {
        Map<String, String> off = new java.util.HashMap<>(env);
        off.put("MXDOCTOR_DB", "none");
        Run r = run(off, "dns", "ok.test", "MX");
        assertThat(r.status()).isZero();
        assertThat(r.out()).startsWith("OK  ok.test MX");
        assertThat(r.err()).isEmpty();
        assertThat(run(off, "history").err()).contains("the history is off (MXDOCTOR_DB=none)");
    }

    @Test
    void tlsCaFileUnreadable_isAConfigurationErrorNotAStackTrace() {
        // Read when the engine is made: a directory is no PEM file.
        Map<String, String> broken = new java.util.HashMap<>(env);
        broken.put("MXDOCTOR_TLS_CA_FILE", "/");
        Run r = run(broken, "mx", "ok.test");
        assertThat(r.status()).isEqualTo(78);
        assertThat(r.err()).startsWith("mxdoctor: configuration: MXDOCTOR_TLS_CA_FILE").doesNotContain("\tat ");
    }

    @Test
    void aotTraining_runsEveryCheckAgainstItsOwnServers_andRecordsThem(@TempDir Path dir) throws Exception {
        // The launcher's and the Docker image's cache training: each check gets real answers, a dialogue and a TLS
        // handshake from the training's own servers on loopback, whatever resolver the environment names.
        String db = "jdbc:sqlite:" + dir.resolve("train.db");
        Map<String, String> training = Map.of("MXDOCTOR_DNS", "127.0.0.1:9", "MXDOCTOR_DB", db);
        Run r = run(training, "--aot-training");
        assertThat(r.status()).isZero();
        assertThat(r.out()).isEmpty();
        try (dev.mxdoctor.history.HistoryStore store = dev.mxdoctor.history.HistoryStore.open(db)) {
            List<dev.mxdoctor.history.RunSummary> runs = store.latest(Optional.empty(), Optional.empty(), 20);
            assertThat(runs).extracting(x -> x.command() + " " + x.query() + " " + x.status().orElse("?"))
                    .containsOnly("dns training.test ok", "mx training.test ok", "smtptest alice@training.test ok",
                            "smtptest nobody@training.test failing")
                    .hasSize(8); // each as text and as JSON
            assertThat(runs).filteredOn(x -> x.command().equals("mx")).allSatisfy(x ->
                    assertThat(x.summary().orElse("")).contains("with STARTTLS"));
        }
    }
}
