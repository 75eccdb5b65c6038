package dev.mxdoctor.slack;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mxdoctor.command.CommandParser;
import dev.mxdoctor.command.Request;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AccessTest {

    private static Request parse(String line) throws Exception {
        return new CommandParser().parse(line).request();
    }

    @Test
    void refusal_openAccess_refusesOnlySendingFromSlack() throws Exception {
        assertThat(Access.OPEN.refusal("U1", "C1", parse("mx example.com"))).isEmpty();
        assertThat(Access.OPEN.refusal("U1", "C1", parse("smtptest a@example.com"))).isEmpty();
        assertThat(Access.OPEN.refusal("U1", "C1", parse("smtptest a@example.com --send")))
                .hasValueSatisfying(m -> assertThat(m).contains("MXDOCTOR_SEND_USERS"));
    }

    @Test
    void refusal_listsGiven_nameTheSettingThatGovernsIt() throws Exception {
        Access access = new Access(Set.of("C1"), Set.of("U1", "U2"), Set.of("U1"));
        assertThat(access.refusal("U9", "C1", parse("mx example.com")))
                .hasValueSatisfying(m -> assertThat(m).contains("MXDOCTOR_SLACK_USERS"));
        assertThat(access.refusal("U1", "C9", parse("mx example.com")))
                .hasValueSatisfying(m -> assertThat(m).contains("MXDOCTOR_SLACK_CHANNELS"));
        assertThat(access.refusal("U2", "C1", parse("smtptest a@example.com --send")))
                .hasValueSatisfying(m -> assertThat(m).contains("MXDOCTOR_SEND_USERS"));
        assertThat(access.refusal("U1", "C1", parse("smtptest a@example.com --send"))).isEmpty();
        assertThat(access.refusal("U2", "C1", parse("relaytest example.com")))
                .hasValueSatisfying(m -> assertThat(m).contains("relaytest").contains("MXDOCTOR_SEND_USERS"));
        assertThat(access.refusal("U1", "C1", parse("relaytest example.com"))).isEmpty();
        assertThat(access.refusal("U2", "C1", parse("watch relaytest example.com every 1h")))
                .as("a watch is judged by its check").hasValueSatisfying(m -> assertThat(m).contains(
                        "MXDOCTOR_SEND_USERS"));
    }

    @Test
    void ids_commaSeparatedWithSpaces_areTrimmed() {
        assertThat(Access.ids(Optional.of(" U1, U2 ,,U3 "))).containsExactlyInAnyOrder("U1", "U2", "U3");
        assertThat(Access.ids(Optional.empty())).isEmpty();
    }
}
