package dev.mxdoctor.smtp;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import javax.net.ssl.TrustManagerFactory;

/**
 * Primes what a first TLS handshake needs, on a thread of its own, when a check that may dial a mail server starts. In a cold JVM the first X25519 and P-256 operations cost tens of milliseconds each (P-256's generator
 * table is built on first use) and reading the JDK's trust store as much again; done here while the DNS questions
 * are asked, they are off the critical path. Every step is JVM-wide and idempotent: a thread that reaches the same
 * code first only waits for what is already being done, never does it twice. Failures are ignored: the real
 * handshake reports its own.
 */
public final class JssePrimer {

    private static final java.util.concurrent.atomic.AtomicBoolean STARTED =
            new java.util.concurrent.atomic.AtomicBoolean();

    private JssePrimer() {}

    /** Starts priming on a daemon thread, once in a JVM's life, and returns at once. */
    public static void start() {
        if (STARTED.compareAndSet(false, true)) {
            Thread.ofPlatform().daemon().name("jsse-primer").start(JssePrimer::prime);
        }
    }

    static void prime() {
        try {
            byte[] data = new byte[64];
            // The key shares of a ClientHello (x25519, secp256r1) and the server's share agreed with.
            KeyPairGenerator xdh = KeyPairGenerator.getInstance("X25519");
            KeyPair ours = xdh.generateKeyPair();
            KeyAgreement agreement = KeyAgreement.getInstance("X25519");
            agreement.init(ours.getPrivate());
            agreement.doPhase(xdh.generateKeyPair().getPublic(), true);
            agreement.generateSecret();
            KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
            ec.initialize(new ECGenParameterSpec("secp256r1"));
            KeyPair key = ec.generateKeyPair();
            // CertificateVerify and certificate signatures.
            Signature signer = Signature.getInstance("SHA256withECDSA");
            signer.initSign(key.getPrivate());
            signer.update(data);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance("SHA256withECDSA");
            verifier.initVerify(key.getPublic());
            verifier.update(data);
            verifier.verify(signature);
            // The key schedule and the record layer.
            Mac mac = Mac.getInstance("HmacSHA384");
            mac.init(new SecretKeySpec(data, "HmacSHA384"));
            mac.doFinal(data);
            Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
            gcm.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(new byte[32], "AES"), new GCMParameterSpec(128,
                    new byte[12]));
            gcm.doFinal(data);
            // The JDK's trust store, which it keeps once read (TlsSettings copies it).
            TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm()).init((KeyStore) null);
        } catch (GeneralSecurityException | RuntimeException e) {
            // only priming
        }
    }
}
