package dev.mxdoctor.diagnosis;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class EnhancedCodesTest {

    @Test
    void describe_saysTheClassAndTheDetail_inWords() {
        assertThat(EnhancedCodes.describe("5.7.23")).hasValueSatisfying(d -> assertThat(d).startsWith(
                "5.7.23: permanent failure (a sender gives up and bounces): SPF validation failed"));
        assertThat(EnhancedCodes.describe("4.2.2")).hasValueSatisfying(d -> assertThat(d).isEqualTo(
                "4.2.2: temporary failure (a sender retries): the mailbox is full"));
        assertThat(EnhancedCodes.describe("5.1.10")).hasValueSatisfying(d -> assertThat(d).contains("null MX")
                .contains("RFC 7505"));
    }

    @Test
    void describe_unknownDetail_fallsBackToItsSubject_andNonsenseIsNotDescribed() {
        assertThat(EnhancedCodes.describe("5.7.99")).hasValueSatisfying(d -> assertThat(d).isEqualTo(
                "5.7.99: permanent failure (a sender gives up and bounces): a security or policy reason"));
        assertThat(EnhancedCodes.describe("3.1.1")).isEmpty();
        assertThat(EnhancedCodes.describe("5.9.9")).isEmpty();
        assertThat(EnhancedCodes.describe("5")).isEmpty();
    }

    @Test
    void aboutSenderAuthentication_isTheRfc7372FamilyAndTheRateCode() {
        assertThat(EnhancedCodes.aboutSenderAuthentication("5.7.23")).isTrue();
        assertThat(EnhancedCodes.aboutSenderAuthentication("5.7.26")).isTrue();
        assertThat(EnhancedCodes.aboutSenderAuthentication("4.7.28")).isTrue();
        assertThat(EnhancedCodes.aboutSenderAuthentication("5.7.27")).isFalse(); // null MX sender: a bounce problem
        assertThat(EnhancedCodes.aboutSenderAuthentication("5.7.1")).isFalse(); // decided by the text
    }
}
