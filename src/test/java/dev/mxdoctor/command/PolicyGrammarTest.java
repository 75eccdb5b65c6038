package dev.mxdoctor.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The grammar of blocklist, auth and relaytest. */
class PolicyGrammarTest {

    private final CommandParser parser = new CommandParser();

    @Test
    void blocklist_takesAnAddressADomainOrNothing() throws UsageException {
        assertThat(parser.parse("blocklist 192.0.2.25").request()).isEqualTo(new Request.Blocklist(
                Optional.of("192.0.2.25"), Optional.empty(), Optional.empty()));
        assertThat(((Request.Blocklist) parser.parse("blocklist 2001:DB8::25").request()).address())
                .contains("2001:db8::25");
        assertThat(((Request.Blocklist) parser.parse("blocklist Example.COM").request()).domain().orElseThrow()
                .ascii()).isEqualTo("example.com");
        assertThat(parser.parse("blocklist").request().query()).isEqualTo("senders");
    }

    @Test
    void auth_takesSelectorsAndAnAddressAnywhereAfterTheDomain() throws UsageException {
        Request.Auth a = (Request.Auth) parser.parse("auth example.com selector1 ip 192.0.2.25 Google").request();
        assertThat(a.domain().ascii()).isEqualTo("example.com");
        assertThat(a.selectors()).isEqualTo(List.of("selector1", "google"));
        assertThat(a.ip()).contains("192.0.2.25");
    }

    @Test
    void relaytest_takesAHostOrADomain() throws UsageException {
        assertThat(((Request.RelayTest) parser.parse("relaytest mx1.example.com").request()).target().ascii())
                .isEqualTo("mx1.example.com");
    }

    @ParameterizedTest
    @CsvSource(delimiterString = " => ", quoteCharacter = '"', value = {
        "blocklist a b => too many arguments",
        "blocklist not_a_domain!.com => blocklist takes an IP address or a domain",
        "auth => auth needs a domain",
        "auth example.com ip => 'ip' needs the sending address",
        "auth example.com ip mail.example.com => 'mail.example.com' is not an IP address",
        "auth example.com bad/selector => 'bad/selector' is not a DKIM selector",
        "relaytest => relaytest needs a mail host or a domain",
        "relaytest 192.0.2.25 => is an IP address; relaytest takes a host name or a domain",
    })
    void badInput_saysWhatIsWrong(String text, String message) {
        assertThatThrownBy(() -> parser.parse(text)).isInstanceOf(UsageException.class).hasMessageContaining(message);
    }
}
