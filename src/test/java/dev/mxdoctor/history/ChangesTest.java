package dev.mxdoctor.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChangesTest {

    private static final Instant THEN = Instant.parse("2026-11-23T13:40:00Z");
    private static final Instant NOW = Instant.parse("2026-11-23T14:02:00Z");

    private static List<String> changes(String before, String after) {
        return Changes.describe(Changes.between(Snapshot.fromJson(before), Snapshot.fromJson(after)), THEN, NOW);
    }

    @Test
    void between_previousFindingWithoutHost_comparesInsteadOfCrashing() {
        // The bug of the second run: a stored finding with "host": null (DNS_ANSWERS_DIFFER is about the domain).
        String before = """
                {"verdict":{"status":"degraded"},"findings":[{"code":"DNS_ANSWERS_DIFFER","host":null},
                 {"code":"MX_SINGLE_HOST"}],"mx":[]}""";
        String after = """
                {"verdict":{"status":"degraded"},"findings":[{"code":"MX_SINGLE_HOST"}],"mx":[]}""";
        assertThat(changes(before, after)).containsExactly("cleared: DNS_ANSWERS_DIFFER");
        assertThat(changes(before, before)).isEmpty();
    }

    @Test
    void between_addressAnswersAgain_saysSinceWhenAndWhatItWas() {
        String refused = """
                {"verdict":{"status":"failing"},"findings":[],"mx":[{"preference":10,"host":"mx1.example.com",
                 "addresses":["192.0.2.1"],"probes":[{"address":"192.0.2.1","outcome":"refused"}]}]}""";
        String ok = refused.replace("refused", "ok").replace("failing", "ok");
        assertThat(changes(refused, ok)).containsExactly("verdict failing → ok (it was failing at 13:40)",
                "mx1.example.com [192.0.2.1] answers again since 14:02; it was refused at 13:40");
        assertThat(changes(ok, refused)).containsExactly("verdict ok → failing (it was ok at 13:40)",
                "mx1.example.com [192.0.2.1] is refused since 14:02; it answered at 13:40");
    }

    @Test
    void between_mxSetMoves_reportsHostsAndAddresses() {
        String before = """
                {"verdict":{"status":"ok"},"findings":[],"mx":[{"preference":10,"host":"mx1.example.com",
                 "addresses":["192.0.2.1","192.0.2.2"]},{"preference":20,"host":"old.example.com","addresses":[]}]}""";
        String after = """
                {"verdict":{"status":"ok"},"findings":[],"mx":[{"preference":10,"host":"mx1.example.com",
                 "addresses":["192.0.2.2","192.0.2.3"]},{"preference":5,"host":"new.example.com"}]}""";
        assertThat(changes(before, after)).containsExactly("MX host added: 5 new.example.com",
                "MX host removed: 20 old.example.com",
                "mx1.example.com addresses 192.0.2.1, 192.0.2.2 → 192.0.2.2, 192.0.2.3");
    }

    @Test
    void between_addressesInAnotherOrder_isNoChange() {
        String a = """
                {"verdict":{"status":"ok"},"mx":[{"preference":10,"host":"mx","addresses":["192.0.2.1","192.0.2.2"]}]}""";
        assertThat(changes(a, a.replace("\"192.0.2.1\",\"192.0.2.2\"", "\"192.0.2.2\",\"192.0.2.1\""))).isEmpty();
    }

    @Test
    void between_aRunStoredWithIpv6InFull_andTheSameAddressInRfc5952Form_isNoChange() {
        // Older versions stored IPv6 as the JDK prints it; today's runs use the RFC 5952 form.
        String yesterday = """
                {"verdict":{"status":"ok"},"mx":[{"preference":10,"host":"mx","addresses":["2001:db8:0:0:0:0:0:25"],
                 "probes":[{"address":"2001:db8:0:0:0:0:0:25","outcome":"ok"}]}]}""";
        String today = yesterday.replace("2001:db8:0:0:0:0:0:25", "2001:db8::25");
        assertThat(changes(yesterday, today)).isEmpty();
        assertThat(changes(yesterday, today.replace("\"ok\"}]", "\"refused\"}]")))
                .containsExactly("mx [2001:db8::25] is refused since 14:02; it answered at 13:40");
    }

    @Test
    void fromJson_oldestShapeWithoutKeys_readsAsEmpty() {
        Snapshot s = Snapshot.fromJson("{\"command\":\"dns\"}");
        assertThat(s.status()).isEqualTo("unknown");
        assertThat(s.hosts()).isEmpty();
        assertThat(s.findings()).isEmpty();
    }

    @Test
    void fromJson_notAReport_isRefused() {
        assertThatThrownBy(() -> Snapshot.fromJson("[1, 2")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Snapshot.fromJson("")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void fromJson_everyReportTheFirstVersionWrote_loads() throws Exception {
        try (var files = Files.list(Path.of("src/test/resources/history"))) {
            List<Path> fixtures = files.toList();
            assertThat(fixtures).hasSizeGreaterThanOrEqualTo(5);
            for (Path f : fixtures) {
                Snapshot s = Snapshot.fromJson(Files.readString(f));
                assertThat(s.status()).as(f.toString()).isIn("ok", "degraded", "failing", "inconclusive");
                assertThat(Changes.between(s, s)).isEmpty();
            }
        }
    }
}
