package dev.mxdoctor.training;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * What the launcher's class-data cache is recorded against: a name server and a mail server of mxdoctor's own on
 * loopback, so that the cache holds the code a check runs when it gets answers, a dialogue and a TLS handshake
 * (without them, the first real dialogue of every command loads and links that code anew). Nothing leaves the
 * machine. The mail server's certificate is made by the JDK's keytool, self-signed and thrown away with the run;
 * without keytool the training goes on without TLS.
 */
public final class TrainingLab implements AutoCloseable {

    private static final String PASSWORD = "training";

    private final TrainingDns dns;
    private final TrainingSmtp smtp;

    private TrainingLab(TrainingDns dns, TrainingSmtp smtp) {
        this.dns = dns;
        this.smtp = smtp;
    }

    /** Starts both servers; {@code scratch} is a directory for the certificate, deleted by the caller. */
    public static TrainingLab start(Path scratch) throws IOException {
        TrainingDns dns = new TrainingDns();
        try {
            return new TrainingLab(dns, new TrainingSmtp(serverTls(scratch)));
        } catch (IOException | RuntimeException e) {
            try {
                dns.close();
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
            }
            throw e;
        }
    }

    /** The settings that point mxdoctor at these servers (and keep it from asking anything else). */
    public Map<String, String> settings() {
        return Map.of(
                "MXDOCTOR_DNS", "127.0.0.1:" + dns.port(),
                "MXDOCTOR_NS_PORT", String.valueOf(dns.port()),
                "MXDOCTOR_SMTP_PORT", String.valueOf(smtp.port()),
                "MXDOCTOR_ALLOW_TARGETS", "127.0.0.0/8",
                "MXDOCTOR_HELO", "client.training.test",
                "MXDOCTOR_PING", "off",
                "MXDOCTOR_DNS_TIMEOUT_MS", "500");
    }

    /** The commands a training run performs, each as a person would type it. */
    public static List<String> commands() {
        String d = TrainingDns.DOMAIN;
        return List.of("dns " + d + " MX", "mx " + d, "smtptest alice@" + d, "smtptest nobody@" + d);
    }

    private static Optional<SSLContext> serverTls(Path scratch) {
        Path store = scratch.resolve("training.p12");
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        try {
            Process p = new ProcessBuilder(keytool, "-genkeypair", "-alias", "mx", "-keyalg", "EC", "-groupname",
                    "secp256r1", "-dname", "CN=mx.training.test", "-ext", "SAN=dns:mx.training.test", "-validity", "2",
                    "-keystore", store.toString(), "-storetype", "PKCS12", "-storepass", PASSWORD, "-keypass",
                    PASSWORD).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                return Optional.empty();
            }
            KeyStore ks = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(store)) {
                ks.load(in, PASSWORD.toCharArray());
            }
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, PASSWORD.toCharArray());
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(kmf.getKeyManagers(), null, null);
            return Optional.of(context);
        } catch (IOException | GeneralSecurityException e) {
            return Optional.empty(); // no keytool (or it failed): a training without TLS still helps
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    @Override
    public void close() {
        try {
            smtp.close();
            dns.close();
        } catch (IOException e) {
            // closing is best effort
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
