package dev.mxdoctor.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class CommandParserTest {

    private final CommandParser parser = new CommandParser();

    private Request parse(String text) throws UsageException {
        return parser.parse(text).request();
    }

    private Request.Mx mx(String text) throws UsageException {
        return (Request.Mx) parse(text);
    }

    @ParameterizedTest
    @CsvSource(delimiterString = " => ", value = {
        "mx example.com => example.com",
        "MX EXAMPLE.COM. => example.com",
        "mx user@Example.com => example.com",
        "mx https://www.example.com:8443/path?q=1 => www.example.com",
        "mx <mailto:alice@example.com|alice@example.com> => example.com",
        "mx <http://example.com|example.com> => example.com",
        "mx <http://example.com> => example.com",
        "mx mailto:bob@example.org => example.org",
        "mx\texample.net => example.net",
    })
    void parseMx_pastedForms_yieldTheDomain(String text, String domain) throws UsageException {
        assertThat(mx(text).domain().ascii()).isEqualTo(domain);
    }

    @Test
    void parseMx_internationalisedName_keepsBothForms() throws UsageException {
        DomainName d = mx("mx Bücher.Example").domain();
        assertThat(d.ascii()).isEqualTo("xn--bcher-kva.example");
        assertThat(d.unicode()).isEqualTo("bücher.example");
        assertThat(d.display()).isEqualTo("bücher.example (xn--bcher-kva.example)");
    }

    @Test
    void parseMx_internationalisedEmailAddress_usesItsDomain() throws UsageException {
        assertThat(mx("mx jörg@münchen.example").domain().ascii()).isEqualTo("xn--mnchen-3ya.example");
    }

    @Test
    void parseMx_resolverForms_areParsed() throws UsageException {
        assertThat(mx("mx example.com @192.0.2.53").resolver()).contains(new HostPort("192.0.2.53", 53));
        assertThat(mx("mx example.com @192.0.2.53:5353").resolver()).contains(new HostPort("192.0.2.53", 5353));
        assertThat(mx("mx example.com @[2001:db8::53]:5353").resolver())
                .contains(new HostPort("2001:db8::53", 5353));
        assertThat(mx("mx example.com @2001:db8::53").resolver())
                .contains(new HostPort("2001:db8::53", 53));
        assertThat(mx("mx example.com @dns.example.net").resolver())
                .contains(new HostPort("dns.example.net", 53));
        assertThat(mx("mx @192.0.2.53 example.com").domain().ascii()).isEqualTo("example.com");
    }

    @Test
    void parse_sharedFlags_areRecognisedAnywhere() throws UsageException {
        Invocation i = parser.parse(List.of("mx", "--json", "example.com", "--timeout", "2.5", "--fresh"));
        assertThat(i.json()).isTrue();
        assertThat(i.fresh()).isTrue();
        assertThat(i.timeout()).contains(Duration.ofMillis(2500));
        assertThat(parser.parse("mx example.com --timeout=7").timeout()).contains(Duration.ofSeconds(7));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "dns example.com|example.com|A",
        "dns example.com mx|example.com|MX",
        "dns MX example.com|example.com|MX",
        "dns _dmarc.example.com txt|_dmarc.example.com|TXT",
        "dns _25._tcp.mx.example.com TLSA|_25._tcp.mx.example.com|TLSA",
        "dns example.com CAA|example.com|CAA",
    })
    void parseDns_nameAndType(String text, String name, String type) throws UsageException {
        Request.Dns d = (Request.Dns) parse(text);
        assertThat(d.name().ascii()).isEqualTo(name);
        assertThat(d.type()).isEqualTo(QueryType.valueOf(type));
        assertThat(d.address()).isEmpty();
    }

    @Test
    void parseDns_ipv4Address_meansPtrOfItsReverseName() throws UsageException {
        Request.Dns d = (Request.Dns) parse("dns 192.0.2.10");
        assertThat(d.type()).isEqualTo(QueryType.PTR);
        assertThat(d.name().ascii()).isEqualTo("10.2.0.192.in-addr.arpa");
        assertThat(d.address()).contains("192.0.2.10");
        assertThat(d.query()).isEqualTo("192.0.2.10");
    }

    @Test
    void parseDns_ipv6Address_meansPtrOfItsNibbles() throws UsageException {
        Request.Dns d = (Request.Dns) parse("dns 2001:db8::1");
        assertThat(d.name().ascii()).isEqualTo(
                "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa");
    }

    @Test
    void parseHelp_withAndWithoutTopic() throws UsageException {
        assertThat(parse("help")).isEqualTo(new Request.Help(Optional.empty()));
        assertThat(parse("help MX")).isEqualTo(new Request.Help(Optional.of("mx")));
        assertThat(parse("mx --help")).isEqualTo(new Request.Help(Optional.of("mx")));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "''|no command given",
        "frobnicate example.com|unknown command 'frobnicate'",
        "mx|mx needs a domain",
        "mx a.com b.com|too many arguments: 'b.com'",
        "mx 192.0.2.1|'192.0.2.1' is an IP address; mx takes a domain. For the address's PTR record use: dns 192.0.2.1",
        "mx [2001:db8::1]|is an IP address; mx takes a domain",
        "mx user@192.0.2.1|names an IP address, not a domain; for its PTR record use: dns 192.0.2.1",
        "mx exa$mple.com|'$' cannot be in a host name",
        "mx exa_mple.com|'_' cannot be in a host name",
        "mx a..b|has an empty label",
        "mx -bad.example|unknown option '-bad.example'",
        "mx bad-.example|starts or ends with a hyphen",
        "mx user@|has nothing after the @",
        "dns example.com MXX|unknown record type 'MXX'; expected one of A, AAAA, MX, TXT, NS, SOA, CNAME, PTR, SRV, CAA, TLSA",
        "dns 192.0.2.1 MX|has only PTR records",
        "mx example.com @|is not a resolver address",
        "mx example.com @300.1.1.1|is not a resolver address",
        "mx example.com @1.2.3.4:99999|port 99999 is out of range 1-65535",
        "mx example.com @1.2.3.4:0|port 0 is out of range",
        "mx example.com @[::1|is not a resolver address",
        "mx example.com @a b @c|only one @resolver may be given",
        "mx example.com --timeout|--timeout needs a number of seconds",
        "mx example.com --timeout abc|--timeout takes a number of seconds, not 'abc'",
        "mx example.com --timeout 0|--timeout must be between 0 and 600 seconds",
        "mx example.com --timeout 601|--timeout must be between 0 and 600 seconds",
        "mx example.com --verbose|unknown option '--verbose'",
        "help nothing|no command 'nothing'",
    })
    void parse_badInput_isRefusedWithWhatIsWrong(String text, String message) {
        assertThatThrownBy(() -> parse(text))
                .isInstanceOf(UsageException.class)
                .hasMessageContaining(message)
                .satisfies(e -> assertThat(((UsageException) e).usage()).startsWith("usage: "));
    }

    @Test
    void parse_labelOver63Octets_isRefused() {
        String label = "a".repeat(64);
        assertThatThrownBy(() -> parse("mx " + label + ".example"))
                .hasMessageContaining("is 64 octets long; a DNS label can have at most 63");
        assertThat(catchUsage("mx " + "a".repeat(63) + ".example")).isNull();
    }

    @Test
    void parse_nameOver253Octets_isRefused() {
        String name = String.join(".", List.of("a".repeat(63), "b".repeat(63), "c".repeat(63), "d".repeat(61)));
        assertThat(name).hasSize(253);
        assertThat(catchUsage("mx " + name)).isNull();
        assertThatThrownBy(() -> parse("mx x." + name))
                .hasMessageContaining("255 octets long; a DNS name can have at most 253");
    }

    @ParameterizedTest
    @ValueSource(strings = {"mx example.com\r\nQUIT", "mx example.com\nrcpt", "mx exam\u0000ple.com", "mx a\u001b.com"})
    void parse_controlCharacters_neverPass(String text) {
        assertThatThrownBy(() -> parse(text)).isInstanceOf(UsageException.class)
                .hasMessageContaining("the command contains");
        assertThatThrownBy(() -> parser.parse(List.of(text.split(" ")))).isInstanceOf(UsageException.class);
    }

    @Test
    void parse_usageOfUnknownCommand_listsAllCommands() {
        UsageException e = catchUsage("whois example.com");
        assertThat(e.usage()).contains("mx <domain> [@resolver]").contains("dns <name> [type] [@resolver]");
    }

    private UsageException catchUsage(String text) {
        try {
            parse(text);
            return null;
        } catch (UsageException e) {
            return e;
        }
    }
}
