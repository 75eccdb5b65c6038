package dev.mxdoctor.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mxdoctor.command.Names;
import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TargetPolicyTest {

    private final TargetPolicy strict = new TargetPolicy(List.of());

    private static InetAddress ip(String s) {
        return Names.ipLiteral(s).orElseThrow();
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "127.0.2.25", "10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.1",
        "100.64.0.1", "169.254.169.254", "0.0.0.0", "224.0.0.1", "255.255.255.255", "192.0.2.10", "198.18.0.1",
        "::1", "::", "fe80::1", "fc00::1", "fd12:3456::1", "ff02::1", "2001:db8::25", "::ffff:127.0.0.1",
        "::ffff:10.0.0.1", "::127.0.0.1"})
    void refusal_specialPurposeAddresses_areRefusedNamingTheSetting(String address) {
        assertThat(strict.refusal(ip(address))).hasValueSatisfying(m -> assertThat(m)
                .contains("MXDOCTOR_ALLOW_TARGETS"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"8.8.8.8", "172.32.0.1", "100.128.0.1", "193.0.2.1", "2a00:1450:4001::1b",
        "::ffff:8.8.8.8"})
    void refusal_publicAddresses_areAllowed(String address) {
        assertThat(strict.refusal(ip(address))).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.2.25", "::1", "::ffff:127.0.2.1"})
    void refusal_allowedBlocks_passDespiteBeingSpecial(String address) {
        TargetPolicy lab = new TargetPolicy(List.of(Cidr.parse("127.0.2.0/24"), Cidr.parse("::1/128")));
        assertThat(lab.refusal(ip(address))).isEmpty();
        assertThat(lab.refusal(ip("127.0.0.1"))).isPresent();
    }
}
