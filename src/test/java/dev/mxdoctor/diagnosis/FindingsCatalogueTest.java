package dev.mxdoctor.diagnosis;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class FindingsCatalogueTest {

    /** The codes ARCHITECTURE.md promises; they must never disappear from the catalogue. */
    private static final List<String> CONTRACT_CODES = List.of(
            "DOMAIN_NXDOMAIN", "DNS_SERVFAIL", "DNS_TIMEOUT", "DNS_ANSWERS_DIFFER",
            "MX_NONE_IMPLICIT", "MX_NONE_NO_ADDRESS", "MX_NULL", "MX_TARGET_NO_ADDRESS", "MX_TARGET_CNAME",
            "MX_TARGET_IP_LITERAL", "MX_EQUAL_PREFERENCE", "MX_SINGLE_HOST",
            "SMTP_CONNECT_REFUSED", "SMTP_CONNECT_TIMEOUT", "SMTP_BANNER_TIMEOUT", "SMTP_BANNER_SLOW",
            "SMTP_SERVICE_UNAVAILABLE", "SMTP_PROTOCOL_ERROR", "SMTP_DISCONNECTED", "PORT25_BLOCKED_OUTBOUND",
            "MX_PRIMARY_UNREACHABLE", "MX_ALL_UNREACHABLE",
            "TLS_NOT_OFFERED", "TLS_HANDSHAKE_FAILED", "TLS_CERT_UNTRUSTED", "TLS_CERT_NAME_MISMATCH",
            "TLS_CERT_EXPIRED", "TLS_OLD_PROTOCOL",
            "RCPT_ACCEPTED", "RCPT_USER_UNKNOWN", "RCPT_MAILBOX_FULL", "RELAY_DENIED", "BACKUP_MX_RELAY_DENIED",
            "BLOCKLISTED_BY_RECEIVER", "GREYLISTED", "SENDER_REJECTED", "POLICY_REJECTED", "TEMPORARY_FAILURE",
            "OPEN_RELAY", "PTR_MISSING", "PTR_MISMATCH", "BANNER_HOSTNAME_MISMATCH", "TARGET_NOT_ALLOWED",
            "IP_BLOCKLISTED", "DNSBL_QUERY_REFUSED",
            "SPF_MISSING", "SPF_MULTIPLE_RECORDS", "SPF_TOO_MANY_LOOKUPS", "SPF_SYNTAX", "DMARC_MISSING",
            "DMARC_POLICY_NONE", "DMARC_SYNTAX", "MTA_STS_INVALID", "DANE_TLSA_MISMATCH");

    @Test
    void docsFindingsMd_isTheGeneratedCatalogue() throws Exception {
        String onDisk = Files.readString(Path.of("docs/findings.md"));
        assertThat(onDisk)
                .as("docs/findings.md is out of date: regenerate it with "
                        + "java -cp target/mxdoctor.jar dev.mxdoctor.diagnosis.FindingsCatalogue > docs/findings.md")
                .isEqualTo(FindingsCatalogue.markdown());
    }

    @Test
    void catalogue_containsEveryContractCode() {
        assertThat(Arrays.stream(FindingCode.values()).map(Enum::name)).containsAll(CONTRACT_CODES);
    }

    @Test
    void catalogue_everyEntryHasMeaningAdviceAndReference() {
        assertThat(FindingCode.values()).allSatisfy(c -> {
            assertThat(c.meaning()).endsWith(".");
            assertThat(c.advice()).isNotBlank();
            if (c.group() != FindingCode.Group.MXDOCTOR) { // mxdoctor's own failures cite no standard
                assertThat(c.refs()).isNotEmpty().allSatisfy(r -> assertThat(r).startsWith("RFC "));
            }
            assertThat(FindingsCatalogue.markdown()).contains("### " + c.name() + "\n");
        });
    }
}
