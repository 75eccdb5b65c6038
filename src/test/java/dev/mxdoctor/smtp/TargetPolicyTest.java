package dev.mxdoctor.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mxdoctor.command.Names;
import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TargetPolicyTest {

    private final TargetPolicy strict = new TargetPolicy(List.of(), TargetPolicy.MAIL_PORTS::contains);

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
        TargetPolicy lab = new TargetPolicy(List.of(Cidr.parse("127.0.2.0/24"), Cidr.parse("::1/128")),
                TargetPolicy.MAIL_PORTS::contains);
        assertThat(lab.refusal(ip(address))).isEmpty();
        assertThat(lab.refusal(ip("127.0.0.1"))).isPresent();
    }

    @ParameterizedTest(name = "{0} ({1})")
    @org.junit.jupiter.params.provider.CsvSource(delimiterString = " | ", value = {
        "64:ff9b::a00:1 | NAT64 to 10.0.0.1",
        "64:ff9b::a9fe:a9fe | NAT64 to 169.254.169.254 (cloud metadata)",
        "64:ff9b::7f00:1 | NAT64 to loopback",
        "64:ff9b:1::a00:1 | local-use NAT64",
        "2002:7f00:1::1 | 6to4 of 127.0.0.1",
        "2002:a00:1::1 | 6to4 of 10.0.0.1",
        "2002:c0a8:101::1 | 6to4 of 192.168.1.1",
        "::ffff:0:7f00:1 | SIIT IPv4-translated loopback",
        "::ffff:0:808:808 | SIIT IPv4-translated, even of a public address",
        "::a00:1 | IPv4-compatible 10.0.0.1",
        "2001:0:4136:e378:8000:63bf:3fff:fdd2 | Teredo",
        "100::1 | discard-only",
        "3fff::1 | documentation (RFC 9637)",
        "4000::1 | outside global unicast",
        "::ffff:a9fe:a9fe | IPv4-mapped cloud metadata"})
    void refusal_ipv6FormsLeadingToSpecialOrNonGlobalAddresses_areRefused(String address, String form) {
        assertThat(strict.refusal(ip(address))).as(form).hasValueSatisfying(m -> assertThat(m)
                .contains("MXDOCTOR_ALLOW_TARGETS"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"64:ff9b::808:808", "2002:808:808::1", "2a00:1450:4001:80b::201a"})
    void refusal_ipv6FormsLeadingToPublicAddresses_areAllowed(String address) {
        assertThat(strict.refusal(ip(address))).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(ints = {25, 465, 587, 2525})
    void refusal_mailPorts_areAllowed(int port) {
        assertThat(strict.refusal(new java.net.InetSocketAddress(ip("8.8.8.8"), port))).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(ints = {22, 80, 443, 3306, 5432, 6379, 8080, 11211})
    void refusal_otherPorts_areRefusedNamingTheSetting(int port) {
        assertThat(strict.refusal(new java.net.InetSocketAddress(ip("8.8.8.8"), port)))
                .hasValueSatisfying(m -> assertThat(m).contains("MXDOCTOR_ALLOW_PORTS"));
    }
}
