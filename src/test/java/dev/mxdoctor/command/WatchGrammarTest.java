package dev.mxdoctor.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class WatchGrammarTest {

    private final CommandParser parser = new CommandParser();

    private Request.Watch watch(String text) throws UsageException {
        return (Request.Watch) parser.parse(text).request();
    }

    @Test
    void watch_optionsAnywhereAfterTheCheck_areTakenOutOfIt() throws UsageException {
        Request.Watch w = watch("watch smtptest alice@example.com every 5m from bob@example.org for 4h until ok");
        assertThat(w.checkLine()).isEqualTo("smtptest alice@example.com from bob@example.org");
        assertThat(w.every()).contains(Duration.ofMinutes(5));
        assertThat(w.duration()).contains(Duration.ofHours(4));
        assertThat(w.untilOk()).isTrue();
        Request.SmtpTest t = (Request.SmtpTest) w.check().request();
        assertThat(t.recipient().ascii()).isEqualTo("alice@example.com");
        assertThat(t.from()).isPresent();
        assertThat(w.command()).isEqualTo("watch");
        assertThat(w.query()).isEqualTo("alice@example.com");
    }

    @Test
    void watch_withoutOptions_leavesThemToConfiguration() throws UsageException {
        Request.Watch w = watch("watch mx example.com @192.0.2.53 --fresh");
        assertThat(w.every()).isEmpty();
        assertThat(w.duration()).isEmpty();
        assertThat(w.untilOk()).isFalse();
        assertThat(w.check().fresh()).isTrue();
        assertThat(((Request.Mx) w.check().request()).resolver()).isPresent();
        assertThat(w.checkLine()).isEqualTo("mx example.com @192.0.2.53 --fresh");
    }

    @Test
    void watch_dnsOfANameCalledLikeAnOption_isStillTheCheck() throws UsageException {
        // "every" right after the command name is the check's argument, not the watch's option
        Request.Watch w = watch("watch dns every.example.com MX every 10m");
        assertThat(((Request.Dns) w.check().request()).name().ascii()).isEqualTo("every.example.com");
        assertThat(w.every()).contains(Duration.ofMinutes(10));
    }

    @Test
    void watchListAndStop_areTheirOwnRequests() throws UsageException {
        assertThat(parser.parse("watch list").request()).isEqualTo(new Request.WatchList(false));
        assertThat(parser.parse("watch list mine").request()).isEqualTo(new Request.WatchList(true));
        assertThat(parser.parse("watch stop W3FA9C2D").request()).isEqualTo(new Request.WatchStop("w3fa9c2d"));
        assertThat(parser.parse("watch --help").request()).isEqualTo(new Request.Help(java.util.Optional.of("watch")));
    }

    @ParameterizedTest
    @CsvSource(delimiterString = " => ", quoteCharacter = '"', value = {
        "watch => watch needs a check to repeat",
        "watch history example.com => watch repeats a check (mx, smtptest, dns, blocklist, auth or relaytest), not 'history'",
        "watch watch mx example.com => not 'watch'",
        "watch ping example.com => unknown check 'ping'",
        "watch mx example.com every => 'every' needs a duration",
        "watch mx example.com every soon => 'every soon': 'soon' is not a duration; expected a number with a unit",
        "watch mx example.com every 5 => '5' is not a duration",
        "watch mx example.com until green => a watch can run 'until ok', not until 'green'",
        "watch mx example.com every 5m every 10m => only one 'every' may be given",
        "watch mx example.com every 1h for 10m => 'for 10m' is shorter than 'every 1h'",
        "watch smtptest alice@example.com --send => a watch does not repeat --send",
        "watch mx not_a_domain!.com => not_a_domain",
        "watch stop => watch stop needs the watch's id",
        "watch stop 12 => '12' is not a watch id",
        "watch list everyone => watch list takes at most 'mine', not 'everyone'",
    })
    void watch_badInput_saysWhatIsWrong(String text, String message) {
        assertThatThrownBy(() -> parser.parse(text)).isInstanceOf(UsageException.class)
                .hasMessageContaining(message)
                .satisfies(e -> assertThat(((UsageException) e).usage()).contains("usage: watch <check>"));
    }

    @ParameterizedTest
    @CsvSource({"90s, PT1M30S, 1m30s", "5m, PT5M, 5m", "4h, PT4H, 4h", "1d, PT24H, 1d", "1h30m, PT1H30M, 1h30m",
        "2H, PT2H, 2h"})
    void durations_parseAndFormatBack(String text, Duration expected, String formatted) {
        assertThat(Durations.parse(text)).isEqualTo(expected);
        assertThat(Durations.format(Durations.parse(text))).isEqualTo(formatted);
    }

    @ParameterizedTest
    @CsvSource({"0m", "m", "5", "-5m", "5 m", "5w", "1.5h"})
    void durations_refuseWhatIsNotOne(String text) {
        assertThatThrownBy(() -> Durations.parse(text)).isInstanceOf(IllegalArgumentException.class);
    }
}
