package dev.mxdoctor.diagnosis;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The JDK's TLS errors as a postmaster would say them. */
class ProbeRulesTlsTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiterString = " => ", value = {
        "Remote host terminated the handshake => closed the connection during the handshake",
        "Received fatal alert: handshake_failure => no protocol version or cipher suite in common",
        "Received fatal alert: protocol_version => no TLS version in common",
        "The server selected protocol version TLS10 is not accepted by client preferences [TLS13, TLS12]; "
                + "no appropriate protocol => no TLS version in common",
        "Unsupported or unrecognized SSL message => answered in plain text instead of starting TLS",
        "PKIX path building failed: unable to find valid certification path to requested target "
                + "=> self-signed, or issued by an unknown CA",
        "Received fatal alert: internal_error => an internal TLS error",
        "Connection reset => reset the connection during the handshake",
        "Read timed out => went silent during the handshake",
    })
    void jsseMessages_areTranslated(String jsse, String words) {
        assertThat(ProbeRules.tlsFailureMeaning(jsse.toLowerCase(Locale.ROOT))).contains(words);
    }

    @Test
    void unknownMessage_isSaidHonestly() {
        assertThat(ProbeRules.tlsFailureMeaning("something new")).isEqualTo("the handshake did not complete");
    }
}
