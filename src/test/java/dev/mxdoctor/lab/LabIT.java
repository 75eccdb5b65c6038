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
import java.util.concurrent.TimeUnit;
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

    private static final Path READY = Path.of("lab/run/ready");
    private static final Path JAR = Path.of("target/mxdoctor.jar");
    private static final Map<String, String> ENV = new HashMap<>();

    private static String skipReason;

    @BeforeAll
    static void requireLab() throws IOException {
        boolean required = Boolean.getBoolean("mxdoctor.lab");
        if (!Files.exists(READY)) {
            String why = "the lab is not running (no lab/run/ready): start it as root with lab/install && lab/start";
            if (required) {
                fail(why + "; -Dmxdoctor.lab=true requires it");
            }
            skipReason = "lab tests skipped: " + why;
            System.err.println("[WARNING] LabIT: " + skipReason);
            return;
        }
        for (String line : Files.readAllLines(READY)) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                ENV.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        // Short enough for a test run, long enough for the lab's 6-second tarpit to be measured as slow.
        ENV.put("MXDOCTOR_SMTP_GREETING_TIMEOUT", "10");
        ENV.put("MXDOCTOR_SMTP_CONNECT_TIMEOUT", "3");
        ENV.put("MXDOCTOR_PING", "off");
        ENV.put("MXDOCTOR_DB", "jdbc:sqlite:" + Files.createTempDirectory("mxdoctor-lab").resolve("history.db"));
        assertThat(JAR).as("target/mxdoctor.jar is built in the package phase, before the lab tests").exists();
    }

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
            return new Result(p.exitValue(), JsonParser.parseString(out).getAsJsonObject(), stderr);
        } catch (RuntimeException e) {
            throw new AssertionError("not JSON from '" + String.join(" ", args) + "': " + out + "\n" + stderr, e);
        }
    }

    @ParameterizedTest(name = "{0} → {1}, {2}")
    @CsvSource(delimiterString = " | ", value = {
        "mx healthy.lab.test                | ok           | MX_SINGLE_HOST",
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
        "mx slowdead.lab.test               | degraded     | SMTP_CONNECT_TIMEOUT",
        "mx nullmx.lab.test                 | failing      | MX_NULL",
        "mx nomx.lab.test                   | degraded     | MX_NONE_IMPLICIT",
        "mx alias.lab.test                  | ok           | MX_TARGET_CNAME",
        "mx nohost.lab.test                 | failing      | MX_TARGET_NO_ADDRESS",
        "mx missing.lab.test                | failing      | DOMAIN_NXDOMAIN",
        "mx migrating.lab.test              | degraded     | DNS_ANSWERS_DIFFER",
    })
    void scenario_verdictAndKeyFinding(String command, String status, String finding) throws Exception {
        Result r = mxdoctor(Map.of(), command.split(" "));
        assertThat(r.status()).as(r.summary()).isEqualTo(status);
        assertThat(r.codes()).as(r.summary()).contains(finding);
        int expectedExit = switch (status) {
            case "ok" -> 0;
            case "degraded" -> 1;
            case "failing" -> 2;
            default -> 3;
        };
        assertThat(r.exit()).isEqualTo(expectedExit);
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
