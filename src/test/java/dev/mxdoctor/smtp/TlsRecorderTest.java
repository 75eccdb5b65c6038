package dev.mxdoctor.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mxdoctor.testing.TestCertificates;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The handshake records the chain without waiting for the trust store; the chain is judged afterwards. */
class TlsRecorderTest {

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void handshakeRecordsWhileTheTrustStoreIsStillBeingBuilt_thenJudgesWithIt(@TempDir Path dir) throws Exception {
        List<X509Certificate> chain = TestCertificates.issued(dir, "Test CA", "mx.example.test");
        CompletableFuture<X509TrustManager> building = new CompletableFuture<>();
        TlsSettings.Recorder recorder = new TlsSettings.Recorder(building);

        // What JSSE calls during the handshake: must return at once although no trust store exists yet.
        recorder.checkServerTrusted(chain.toArray(X509Certificate[]::new), "EC");
        assertThat(recorder.chain()).containsExactlyElementsOf(chain);
        assertThat(building).isNotDone();

        building.complete(rejecting("PKIX path building failed: unable to find valid certification path"));
        assertThat(recorder.problem()).contains("PKIX path building failed: unable to find valid certification path");
    }

    @Test
    void aTrustStoreThatAccepts_leavesNoProblem_andNoChainIsAProblem(@TempDir Path dir) {
        List<X509Certificate> chain = TestCertificates.issued(dir, "Test CA", "mx.example.test");
        TlsSettings.Recorder recorder = new TlsSettings.Recorder(CompletableFuture.completedFuture(accepting()));
        assertThat(recorder.problem()).contains("no certificate received");
        recorder.checkServerTrusted(chain.toArray(X509Certificate[]::new), "EC");
        assertThat(recorder.problem()).isEmpty();
    }

    @Test
    void aTrustStoreThatCouldNotBeBuilt_isTheProblem(@TempDir Path dir) {
        List<X509Certificate> chain = TestCertificates.issued(dir, "Test CA", "mx.example.test");
        TlsSettings.Recorder recorder = new TlsSettings.Recorder(CompletableFuture.failedFuture(
                new IllegalStateException("cannot build the TLS trust store: keystore gone")));
        recorder.checkServerTrusted(chain.toArray(X509Certificate[]::new), "EC");
        assertThat(recorder.problem()).contains("cannot build the TLS trust store: keystore gone");
    }

    private static X509TrustManager rejecting(String why) {
        return new Manager() {
            @Override
            public void checkServerTrusted(X509Certificate[] certs, String authType) throws CertificateException {
                throw new CertificateException(why);
            }
        };
    }

    private static X509TrustManager accepting() {
        return new Manager();
    }

    private static class Manager implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] certs, String authType) throws CertificateException {
            throw new CertificateException("not a server");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] certs, String authType) throws CertificateException {
            // accepts
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
