package dev.mxdoctor.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** RFC 5952 text for IPv6 (the longest run of zeros compressed, lower case, no leading zeros), IPv4 as is. */
class AddressesTest {

    @ParameterizedTest
    @CsvSource({
        "2001:DB8:0:0:0:0:0:25,  2001:db8::25",
        "2001:db8:0:0:1:0:0:1,   2001:db8::1:0:0:1",
        "2001:db8:0:1:1:1:1:1,   2001:db8:0:1:1:1:1:1",
        "0:0:0:0:0:0:0:1,        ::1",
        "192.0.2.25,             192.0.2.25",
    })
    void text_isTheRfc5952Form(String written, String expected) throws Exception {
        assertThat(Addresses.text(InetAddress.getByName(written))).isEqualTo(expected);
        assertThat(Addresses.normalized(written)).isEqualTo(expected.contains(":") ? expected : written);
    }

    @ParameterizedTest
    @CsvSource({"mx1.example.com", "not:an:address", "''"})
    void normalized_leavesWhatIsNotAnAddressAlone(String text) {
        assertThat(Addresses.normalized(text)).isEqualTo(text);
    }
}
