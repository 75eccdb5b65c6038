package dev.mxdoctor.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * Certificates made for a test with the JDK's own keytool: self-signed, for a chosen name, valid or expired.
 * No certificate is checked into the repository.
 */
public final class TestCertificates {

    private static final String PASSWORD = "changeit";

    /** A server identity: the TLS context to serve with and the certificate as PEM (to trust it). */
    public record Identity(SSLContext serverContext, Path certificatePem) {}

    private TestCertificates() {}

    /**
     * Makes a self-signed certificate for {@code dnsName} in {@code dir}.
     *
     * @param startDate keytool's -startdate ("-10d" for ten days ago), or null for now
     * @param validityDays how long it is valid from its start
     */
    public static Identity selfSigned(Path dir, String dnsName, String startDate, int validityDays) {
        return selfSigned(dir, List.of(dnsName), startDate, validityDays);
    }

    /** As above, for a certificate that names every one of {@code dnsNames} (the first is its CN). */
    public static Identity selfSigned(Path dir, List<String> dnsNames, String startDate, int validityDays) {
        String dnsName = dnsNames.get(0);
        String san = String.join(",", dnsNames.stream().map(n -> "dns:" + n).toList());
        try {
            Path store = dir.resolve(dnsName + "-" + validityDays + ".p12");
            Path pem = dir.resolve(dnsName + "-" + validityDays + ".pem");
            String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
            List<String> gen = new ArrayList<>(List.of(keytool, "-genkeypair", "-alias", "mx", "-keyalg", "EC",
                    "-groupname", "secp256r1", "-dname", "CN=" + dnsName, "-ext", "SAN=" + san,
                    "-validity", String.valueOf(validityDays), "-keystore", store.toString(), "-storetype",
                    "PKCS12", "-storepass", PASSWORD, "-keypass", PASSWORD));
            if (startDate != null) {
                gen.add("-startdate");
                gen.add(startDate);
            }
            run(gen);
            run(List.of(keytool, "-exportcert", "-rfc", "-alias", "mx", "-keystore", store.toString(),
                    "-storepass", PASSWORD, "-file", pem.toString()));
            KeyStore ks = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(store)) {
                ks.load(in, PASSWORD.toCharArray());
            }
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, PASSWORD.toCharArray());
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(kmf.getKeyManagers(), null, null);
            return new Identity(context, pem);
        } catch (IOException | java.security.GeneralSecurityException e) {
            throw new IllegalStateException("could not make a test certificate: " + e.getMessage(), e);
        }
    }

    /**
     * A certificate for {@code dnsName} issued by a CA made for it: the chain as a server sends it, its own
     * certificate first, then the CA's.
     */
    public static List<java.security.cert.X509Certificate> issued(Path dir, String caName, String dnsName) {
        try {
            String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
            Path ca = dir.resolve(caName + ".p12");
            Path leaf = dir.resolve(dnsName + ".p12");
            Path csr = dir.resolve(dnsName + ".csr");
            Path caPem = dir.resolve(caName + ".pem");
            Path leafPem = dir.resolve(dnsName + "-issued.pem");
            run(List.of(keytool, "-genkeypair", "-alias", "ca", "-keyalg", "EC", "-groupname", "secp256r1", "-dname",
                    "CN=" + caName, "-ext", "bc:c", "-validity", "30", "-keystore", ca.toString(), "-storetype",
                    "PKCS12", "-storepass", PASSWORD, "-keypass", PASSWORD));
            run(List.of(keytool, "-exportcert", "-rfc", "-alias", "ca", "-keystore", ca.toString(), "-storepass",
                    PASSWORD, "-file", caPem.toString()));
            run(List.of(keytool, "-genkeypair", "-alias", "mx", "-keyalg", "EC", "-groupname", "secp256r1", "-dname",
                    "CN=" + dnsName, "-validity", "30", "-keystore", leaf.toString(), "-storetype", "PKCS12",
                    "-storepass", PASSWORD, "-keypass", PASSWORD));
            run(List.of(keytool, "-certreq", "-alias", "mx", "-keystore", leaf.toString(), "-storepass", PASSWORD,
                    "-file", csr.toString()));
            run(List.of(keytool, "-gencert", "-alias", "ca", "-keystore", ca.toString(), "-storepass", PASSWORD,
                    "-infile", csr.toString(), "-outfile", leafPem.toString(), "-rfc", "-ext", "SAN=dns:" + dnsName,
                    "-validity", "30"));
            java.security.cert.CertificateFactory f = java.security.cert.CertificateFactory.getInstance("X.509");
            List<java.security.cert.X509Certificate> chain = new ArrayList<>();
            for (Path pem : List.of(leafPem, caPem)) {
                try (InputStream in = Files.newInputStream(pem)) {
                    chain.add((java.security.cert.X509Certificate) f.generateCertificate(in));
                }
            }
            return chain;
        } catch (IOException | java.security.GeneralSecurityException e) {
            throw new IllegalStateException("could not make a test certificate chain: " + e.getMessage(), e);
        }
    }

    private static void run(List<String> command) throws IOException {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes());
            if (p.waitFor() != 0) {
                throw new IOException("keytool failed: " + output);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
