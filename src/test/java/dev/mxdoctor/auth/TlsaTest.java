package dev.mxdoctor.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mxdoctor.testing.TestCertificates;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** TLSA records against certificate chains as RFC 7672 reads them: usages, selectors, matching types, DANE-TA paths. */
class TlsaTest {

    private static List<X509Certificate> chain;
    private static List<X509Certificate> otherChain;

    @BeforeAll
    static void certificates() throws Exception {
        Path dir = Files.createTempDirectory("tlsa");
        chain = TestCertificates.issued(dir, "Test CA", "mx.example.test");
        otherChain = TestCertificates.issued(dir, "Other CA", "mx.other.test");
    }

    private static Tlsa of(int usage, int selector, int matching, X509Certificate cert) {
        return new Tlsa(usage, selector, matching, Tlsa.associated(cert, selector, matching).orElseThrow());
    }

    @Test
    void daneEe_matchesTheServersOwnCertificate_byKeyOrWholeCertificate_inEachMatchingType() {
        for (int selector = 0; selector <= 1; selector++) {
            for (int matching = 0; matching <= 2; matching++) {
                Tlsa r = of(3, selector, matching, chain.get(0));
                assertThat(Tlsa.match(List.of(r), chain, false)).as(r.toString())
                        .isEqualTo(new Tlsa.Outcome.Matched(r, 0));
            }
        }
    }

    @Test
    void daneEe_ofTheIssuer_doesNotMatch_andTheMismatchNamesTheServersKey() {
        Tlsa issuer = of(3, 1, 1, chain.get(1));
        Tlsa.Outcome o = Tlsa.match(List.of(issuer), chain, true);
        assertThat(o).isInstanceOfSatisfying(Tlsa.Outcome.Mismatch.class, m -> assertThat(m.why())
                .contains("none of 1 usable record (" + issuer + ") matches the 2 certificates presented")
                .contains("the server's own key is " + Tlsa.endEntity(chain.get(0))));
    }

    @Test
    void daneTa_matchesTheIssuerInTheChain_onlyWhenTheCertificateNamesTheHost() {
        Tlsa ta = of(2, 1, 1, chain.get(1));
        assertThat(Tlsa.match(List.of(ta), chain, true)).isEqualTo(new Tlsa.Outcome.Matched(ta, 1));
        assertThat(Tlsa.match(List.of(ta), chain, false)).isInstanceOfSatisfying(Tlsa.Outcome.Mismatch.class,
                m -> assertThat(m.why()).contains("does not name the MX host"));
    }

    @Test
    void daneTa_ofACertificateThatDidNotIssueTheServers_isAMismatch() {
        // The other CA's certificate sent along with this server's: it matches the record, but signed nothing here.
        List<X509Certificate> spliced = List.of(chain.get(0), otherChain.get(1));
        Tlsa ta = of(2, 0, 1, otherChain.get(1));
        assertThat(Tlsa.match(List.of(ta), spliced, true)).isInstanceOfSatisfying(Tlsa.Outcome.Mismatch.class,
                m -> assertThat(m.why()).contains("does not lead from it to the server's certificate"));
    }

    @Test
    void pkixUsagesAndUnknownParameters_areNotUsable_andOneUsableRecordIsEnough() {
        Tlsa pkixEe = of(1, 1, 1, chain.get(0));
        Tlsa unknownMatching = new Tlsa(3, 1, 9, new byte[] {1, 2, 3});
        assertThat(Tlsa.match(List.of(pkixEe, unknownMatching), chain, true)).isEqualTo(new Tlsa.Outcome.NoneUsable());
        Tlsa good = of(3, 1, 1, chain.get(0));
        assertThat(Tlsa.match(List.of(pkixEe, of(3, 1, 1, otherChain.get(0)), good), chain, true))
                .isEqualTo(new Tlsa.Outcome.Matched(good, 0));
    }

    @Test
    void noCertificate_isAMismatch() {
        assertThat(Tlsa.match(List.of(of(3, 1, 1, chain.get(0))), List.of(), true))
                .isEqualTo(new Tlsa.Outcome.Mismatch("the server sent no certificate"));
    }

    @Test
    void text_isZoneFileStyle_shortenedInLists() {
        Tlsa r = new Tlsa(3, 1, 1, new byte[32]);
        assertThat(r.full()).isEqualTo("3 1 1 " + "00".repeat(32));
        assertThat(r.toString()).isEqualTo("3 1 1 00000000…00000000");
        assertThat(new Tlsa(3, 1, 0, new byte[] {(byte) 0xab})).hasToString("3 1 0 ab");
    }
}
