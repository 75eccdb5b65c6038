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
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
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

    private final List<X509Certificate> extraCas;
    // The JDK's trust store takes ~150 ms to copy in a cold JVM: made once, on first need or by warmUp, never for a
    // command that does not use TLS.
    private final AtomicReference<@Nullable CompletableFuture<X509TrustManager>> trust = new AtomicReference<>();

    private TlsSettings(List<X509Certificate> extraCas) {
        this.extraCas = List.copyOf(extraCas);
    }

    /**
     * The JDK's trust store plus, when given, the CA certificates of a PEM file (MXDOCTOR_TLS_CA_FILE). The file is
     * read now (a bad one is a configuration error at once); the trust store is built when first needed.
     */
    public static TlsSettings load(Optional<Path> extraCaFile) {
        List<X509Certificate> extra = new ArrayList<>();
        if (extraCaFile.isPresent()) {
            try (InputStream in = Files.newInputStream(extraCaFile.get())) {
                for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                    if (c instanceof X509Certificate x) {
                        extra.add(x);
                    }
                }
            } catch (IOException | GeneralSecurityException e) {
                throw new IllegalArgumentException("MXDOCTOR_TLS_CA_FILE: cannot load trusted certificates: "
                        + e.getMessage(), e);
            }
            if (extra.isEmpty()) {
                throw new IllegalArgumentException("MXDOCTOR_TLS_CA_FILE: no certificate in " + extraCaFile.get());
            }
        }
        return new TlsSettings(extra);
    }

    /**
     * Builds the trust material on {@code executor} now and, at the same time on another thread, has JSSE write a
     * ClientHello into a buffer, so that the first real handshake waits for neither (in a cold JVM each costs tens of
     * milliseconds). Completes when both are done.
     */
    public CompletableFuture<?> warmUp(Executor executor) {
        JssePrimer.start();
        CompletableFuture<X509TrustManager> trust = trust(executor);
        CompletableFuture<Void> hello = CompletableFuture.runAsync(() -> {
            try {
                javax.net.ssl.SSLEngine engine = newHandshake().context().createSSLEngine("warm-up.invalid", 25);
                engine.setUseClientMode(true);
                engine.wrap(java.nio.ByteBuffer.allocate(0),
                        java.nio.ByteBuffer.allocate(engine.getSession().getPacketBufferSize()));
            } catch (IOException | RuntimeException e) {
                // only a warm-up: the real handshake reports its own problems
            }
        }, executor);
        return CompletableFuture.allOf(trust.exceptionally(e -> null), hello);
    }

    private CompletableFuture<X509TrustManager> trust(Executor executor) {
        CompletableFuture<X509TrustManager> existing = trust.get();
        if (existing != null) {
            return existing;
        }
        CompletableFuture<X509TrustManager> mine = new CompletableFuture<>();
        if (!trust.compareAndSet(null, mine)) {
            return java.util.Objects.requireNonNull(trust.get());
        }
        executor.execute(() -> {
            try {
                mine.complete(buildTrust());
            } catch (RuntimeException e) {
                mine.completeExceptionally(e);
            }
        });
        return mine;
    }

    private X509TrustManager buildTrust() {
        try {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            TrustManagerFactory defaults = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            defaults.init((KeyStore) null);
            int i = 0;
            for (X509Certificate c : x509(defaults.getTrustManagers()).getAcceptedIssuers()) {
                store.setCertificateEntry("jdk-" + i++, c);
            }
            for (X509Certificate c : extraCas) {
                store.setCertificateEntry("extra-" + i++, c);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(store);
            return x509(tmf.getTrustManagers());
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot build the TLS trust store: " + e.getMessage(), e);
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

    /**
     * A context that refuses what does not validate (the trust store plus MXDOCTOR_TLS_CA_FILE): for HTTPS, where a
     * bad certificate is a failure, not something to record (an MTA-STS policy fetch).
     */
    public SSLContext strictContext() {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {trust(Runnable::run).join()}, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("TLS is not available in this JDK", e);
        }
    }

    /**
     * A context for one handshake, with a trust manager that records the chain. The handshake does not wait for the
     * trust store (it may still be building in the background); the chain is judged afterwards ({@link
     * Recorder#problem}).
     */
    Handshake newHandshake() {
        Recorder recorder = new Recorder(trust(Runnable::run));
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {recorder}, null);
            return new Handshake(context, recorder);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("TLS is not available in this JDK", e);
        }
    }

    record Handshake(SSLContext context, Recorder recorder) {}

    /**
     * Accepts every chain (as opportunistic TLS does) but remembers it, to say after the handshake whether it would
     * have validated.
     */
    static final class Recorder extends X509ExtendedTrustManager {
        private final CompletableFuture<X509TrustManager> delegate;
        private volatile List<X509Certificate> chain = List.of();
        private volatile String authType = "";

        Recorder(CompletableFuture<X509TrustManager> delegate) {
            this.delegate = delegate;
        }

        @Override
        public void checkServerTrusted(X509Certificate[] certs, String authType) {
            this.chain = List.of(certs);
            this.authType = authType;
        }

        List<X509Certificate> chain() {
            return chain;
        }

        /** Why the recorded chain would not validate against the trust store; empty when it would. */
        Optional<String> problem() {
            List<X509Certificate> certs = chain;
            if (certs.isEmpty()) {
                return Optional.of("no certificate received");
            }
            X509TrustManager trust;
            try {
                trust = delegate.join();
            } catch (java.util.concurrent.CompletionException e) {
                return Optional.of(rootCause(e));
            }
            try {
                trust.checkServerTrusted(certs.toArray(X509Certificate[]::new), authType);
                return Optional.empty();
            } catch (CertificateException | RuntimeException e) {
                return Optional.of(rootCause(e));
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
