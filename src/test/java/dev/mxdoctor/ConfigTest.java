package dev.mxdoctor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigTest {

    private static final Map<String, String> BASE = Map.of("MXDOCTOR_HELO", "mxdoctor.test", "MXDOCTOR_DNS",
            "127.0.0.1", "HOME", "/home/ann");

    private static Config config(String... keyValues) {
        Map<String, String> env = new java.util.HashMap<>(BASE);
        for (int i = 0; i < keyValues.length; i += 2) {
            env.put(keyValues[i], keyValues[i + 1]);
        }
        return Config.fromEnvironment(env);
    }

    @Test
    void db_default_isInTheUsersDataDirectoryNeverTheWorkingDirectory() {
        assertThat(config().db()).contains("jdbc:sqlite:/home/ann/.local/share/mxdoctor/history.db");
        assertThat(config("XDG_DATA_HOME", "/data").db()).contains("jdbc:sqlite:/data/mxdoctor/history.db");
        assertThat(config("XDG_DATA_HOME", "relative/ignored").db())
                .contains("jdbc:sqlite:/home/ann/.local/share/mxdoctor/history.db");
        assertThat(config("MXDOCTOR_DB", "none").db()).isEmpty();
        assertThatThrownBy(() -> config("MXDOCTOR_DB", "mysql://db?password=hunter2"))
                .hasMessageContaining("MXDOCTOR_DB").hasMessageNotContaining("hunter2");
    }

    @Test
    void lists_commaSeparated_areReadAndBadItemsNamed() {
        Config c = config("MXDOCTOR_ALLOW_PORTS", "2526, 10025", "MXDOCTOR_SEND_DOMAINS", "Example.ORG, test",
                "MXDOCTOR_ALLOW_TARGETS", "127.0.2.0/24, ::1/128");
        assertThat(c.allowPorts()).containsExactly(2526, 10025);
        assertThat(c.dialablePorts()).contains(25, 465, 587, 2525, 2526, 10025);
        assertThat(c.sendDomains()).containsExactly("example.org", "test");
        assertThat(c.allowTargets()).hasSize(2);
        assertThatThrownBy(() -> config("MXDOCTOR_ALLOW_PORTS", "25,http")).hasMessageContaining("'http' is not a port");
        assertThatThrownBy(() -> config("MXDOCTOR_ALLOW_PORTS", "70000")).hasMessageContaining("MXDOCTOR_ALLOW_PORTS");
        assertThatThrownBy(() -> config("MXDOCTOR_SEND_DOMAINS", "exa$mple.com"))
                .hasMessageContaining("MXDOCTOR_SEND_DOMAINS");
    }

    @Test
    void everyProblem_isSaidAtOnce_oneLineEach_withoutSecrets() {
        assertThatThrownBy(() -> config("MXDOCTOR_TIMEOUT", "soon", "MXDOCTOR_PING", "maybe", "MXDOCTOR_SMTP_PORT",
                "0", "MXDOCTOR_DB", "jdbc:mysql://db/x?password=hunter2", "MXDOCTOR_TLS_CA_FILE", "/nonexistent.pem"))
                .isInstanceOfSatisfying(SettingsReader.ConfigurationException.class, e -> assertThat(e.problems())
                        .hasSize(5)
                        .anySatisfy(p -> assertThat(p).startsWith("MXDOCTOR_TIMEOUT must be a whole number"))
                        .anySatisfy(p -> assertThat(p).startsWith("MXDOCTOR_PING must be true or false"))
                        .anySatisfy(p -> assertThat(p).startsWith("MXDOCTOR_SMTP_PORT must be between 1 and 65535"))
                        .anySatisfy(p -> assertThat(p).startsWith("MXDOCTOR_DB").doesNotContain("hunter2"))
                        .anySatisfy(p -> assertThat(p).startsWith("MXDOCTOR_TLS_CA_FILE: '/nonexistent.pem' is not "
                                + "a readable file")));
    }

    @Test
    void dnssecAnchors_areTheRootsByDefault_andAFileMustHoldDsOrDnskeyRecords(@org.junit.jupiter.api.io.TempDir
            java.nio.file.Path dir) throws Exception {
        assertThat(new String(config().dnssecAnchors(), java.nio.charset.StandardCharsets.US_ASCII))
                .contains(". IN DS 20326 8 2 E06D44B8").contains(". IN DS 38696 8 2 683D2D0A");
        java.nio.file.Path good = dir.resolve("anchors");
        java.nio.file.Files.writeString(good, "example.test. IN DS 44632 13 2 "
                + "87500CD32C3C333F8E7696B2CE7234E8E426E44D008329A9067FCBC1CC0C6C9E\n");
        assertThat(new String(config("MXDOCTOR_DNSSEC_ANCHORS", good.toString()).dnssecAnchors(),
                java.nio.charset.StandardCharsets.US_ASCII)).startsWith("example.test. IN DS 44632");
        java.nio.file.Path wrong = dir.resolve("not-anchors");
        java.nio.file.Files.writeString(wrong, "example.test. IN A 192.0.2.1\n");
        assertThatThrownBy(() -> config("MXDOCTOR_DNSSEC_ANCHORS", wrong.toString()))
                .hasMessageContaining("MXDOCTOR_DNSSEC_ANCHORS: the DNSSEC trust anchors hold no DS or DNSKEY record");
        assertThatThrownBy(() -> config("MXDOCTOR_DNSSEC_ANCHORS", dir.resolve("missing").toString()))
                .hasMessageContaining("is not a readable file; expected a file of DS or DNSKEY records");
    }

    @Test
    void effective_showsDefaultsAndMasksTheDatabasePassword() {
        var effective = config("MXDOCTOR_DB", "jdbc:postgresql://db/mx?user=mx&password=hunter2").effective();
        assertThat(effective).containsEntry("MXDOCTOR_TIMEOUT", "60s").containsEntry("MXDOCTOR_SMTP_PORT", "25")
                .containsEntry("MXDOCTOR_DB", "jdbc:postgresql://db/mx?user=mx&password=***")
                .containsEntry("MXDOCTOR_DNS", "127.0.0.1:53");
        assertThat(effective.toString()).doesNotContain("hunter2");
        assertThat(SettingsReader.maskUrl("jdbc:postgresql://mx:hunter2@db/mx")).isEqualTo(
                "jdbc:postgresql://mx:***@db/mx");
    }

    @Test
    void slackSettings_idsAndUrlsAreChecked_andUnknownVariablesNamedWithTheirLikelyMeaning() {
        SettingsReader r = new SettingsReader(Map.of("SLACK_BOT_TOKEN", "xoxb-1", "SLACK_APP_TOKEN", "xapp-1",
                "MXDOCTOR_SLACK_USERS", "U024BE7LH, alice", "SLACK_API_URL", "slack.example.com/api",
                "MXDOCTOR_TIMEOUT_SECONDS", "90", "MXDOCTOR_JAVA_OPTS", "-Xmx1g", "MXDOCTOR_DB", "none"));
        Config.read(r, Map.of("MXDOCTOR_DB", "none"));
        dev.mxdoctor.slack.SlackSettings.read(r);
        Logging.check(r);
        assertThat(r.problems()).containsExactlyInAnyOrder(
                "MXDOCTOR_SLACK_USERS: 'alice' is not a Slack id (such as U024BE7LH or C024BE91L: the member's "
                        + "profile > Copy member ID, or the channel's details)",
                "SLACK_API_URL: 'slack.example.com/api' is not an http(s) URL");
        assertThat(r.unknown()).containsExactly("MXDOCTOR_TIMEOUT_SECONDS is not a setting mxdoctor knows; it is "
                + "ignored (did you mean MXDOCTOR_TIMEOUT?)");
    }
}
