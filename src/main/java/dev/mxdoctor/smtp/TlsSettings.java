package dev.mxdoctor.smtp;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * How mxdoctor's STARTTLS validates certificates. Like a sending MTA doing opportunistic TLS it completes the
 * handshake whatever the certificate, then reports separately whether the chain is trusted and whether it names
 * the host — three different problems for the person reading the report.
 */
public final class TlsSettings {

    private final X509TrustManager trust;

    private TlsSettings(X509TrustManager trust) {
        this.trust = trust;
    }

    /** The JDK's trust store plus, when given, the CA certificates of a PEM file (MXDOCTOR_TLS_CA_FILE). */
    public static TlsSettings load(Optional<Path> extraCaFile) {
        try {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            TrustManagerFactory defaults = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            defaults.init((KeyStore) null);
            int i = 0;
            for (X509Certificate c : x509(defaults.getTrustManagers()).getAcceptedIssuers()) {
                store.setCertificateEntry("jdk-" + i++, c);
            }
            if (extraCaFile.isPresent()) {
                try (InputStream in = Files.newInputStream(extraCaFile.get())) {
                    Collection<? extends Certificate> extra = CertificateFactory.getInstance("X.509")
                            .generateCertificates(in);
                    if (extra.isEmpty()) {
                        throw new IllegalArgumentException("MXDOCTOR_TLS_CA_FILE: no certificate in "
                                + extraCaFile.get());
                    }
                    for (Certificate c : extra) {
                        store.setCertificateEntry("extra-" + i++, c);
                    }
                }
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(store);
            return new TlsSettings(x509(tmf.getTrustManagers()));
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("MXDOCTOR_TLS_CA_FILE: cannot load trusted certificates: "
                    + e.getMessage(), e);
        }
    }

    private static X509TrustManager x509(TrustManager[] managers) {
        for (TrustManager m : managers) {
            if (m instanceof X509TrustManager x) {
                return x;
            }
        }
        throw new IllegalStateException("no X.509 trust manager");
    }

    /** A context for one handshake, with a trust manager that records the chain and its verdict. */
    Handshake newHandshake() {
        Recorder recorder = new Recorder(trust);
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {recorder}, null);
            return new Handshake(context, recorder);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("TLS is not available in this JDK", e);
        }
    }

    record Handshake(SSLContext context, Recorder recorder) {}

    /** Accepts every chain (as opportunistic TLS does) but remembers it and whether it would have validated. */
    static final class Recorder extends X509ExtendedTrustManager {
        private final X509TrustManager delegate;
        volatile List<X509Certificate> chain = List.of();
        volatile Optional<String> problem = Optional.of("no certificate received");

        Recorder(X509TrustManager delegate) {
            this.delegate = delegate;
        }

        @Override
        public void checkServerTrusted(X509Certificate[] certs, String authType) {
            chain = List.of(certs);
            try {
                delegate.checkServerTrusted(certs, authType);
                problem = Optional.empty();
            } catch (CertificateException e) {
                problem = Optional.of(rootCause(e));
            }
        }

        @Override
        public void checkServerTrusted(X509Certificate[] certs, String authType, Socket socket) {
            checkServerTrusted(certs, authType);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] certs, String authType, SSLEngine engine) {
            checkServerTrusted(certs, authType);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] certs, String authType) throws CertificateException {
            throw new CertificateException("mxdoctor is never a TLS server");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] certs, String authType, Socket socket)
                throws CertificateException {
            throw new CertificateException("mxdoctor is never a TLS server");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] certs, String authType, SSLEngine engine)
                throws CertificateException {
            throw new CertificateException("mxdoctor is never a TLS server");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }

        private static String rootCause(Throwable t) {
            List<String> messages = new ArrayList<>();
            for (Throwable c = t; c != null; c = c.getCause()) {
                if (c.getMessage() != null) {
                    messages.add(c.getMessage());
                }
            }
            return messages.isEmpty() ? t.getClass().getSimpleName() : messages.get(messages.size() - 1);
        }
    }
}
