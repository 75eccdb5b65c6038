package dev.mxdoctor.check;

import dev.mxdoctor.dns.Addresses;
import dev.mxdoctor.smtp.TargetPolicy;
import dev.mxdoctor.smtp.TlsSettings;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * Fetches an MTA-STS policy (RFC 8461 3.3) the way a sending MTA must: HTTPS to {@code mta-sts.<domain>} at an
 * address from mxdoctor's own DNS (and allowed by the target policy), the certificate validated for that name, HTTP
 * 200 only (a redirect is refused, not followed), at most 64 KB.
 */
public final class MtaStsFetcher {

    static final int MAX_BYTES = 64 * 1024;

    private final TlsSettings tls;
    private final TargetPolicy policy;
    private final int port;
    private final Duration timeout;

    /** @param port 443, or another for a lab (MXDOCTOR_MTA_STS_PORT) */
    public MtaStsFetcher(TlsSettings tls, TargetPolicy policy, int port, Duration timeout) {
        this.tls = tls;
        this.policy = policy;
        this.port = port;
        this.timeout = timeout;
    }

    /** The policy text, or why there is none. */
    public sealed interface Fetched {
        record Policy(String text) implements Fetched {}

        record Failed(String why) implements Fetched {}
    }

    public Fetched fetch(String host, List<InetAddress> addresses) {
        if (addresses.isEmpty()) {
            return new Fetched.Failed(host + " has no address");
        }
        InetAddress address = addresses.get(0);
        Optional<String> refused = policy.refusal(address);
        if (refused.isPresent()) {
            return new Fetched.Failed(host + " (" + Addresses.text(address) + ") may not be asked: " + refused.get());
        }
        try (Socket plain = new Socket()) {
            plain.connect(new InetSocketAddress(address, port), (int) timeout.toMillis());
            plain.setSoTimeout((int) timeout.toMillis());
            SSLSocket ssl = (SSLSocket) tls.strictContext().getSocketFactory().createSocket(plain, host, port, true);
            SSLParameters params = ssl.getSSLParameters();
            params.setServerNames(List.of(new SNIHostName(host)));
            params.setEndpointIdentificationAlgorithm("HTTPS"); // the certificate must name mta-sts.<domain>
            ssl.setSSLParameters(params);
            try {
                ssl.startHandshake();
            } catch (IOException e) {
                return new Fetched.Failed("the HTTPS certificate of " + host + " does not validate ("
                        + e.getMessage() + "): senders ignore the policy");
            }
            // HTTP/1.0: no chunked encoding, the body ends with the connection.
            OutputStream out = ssl.getOutputStream();
            out.write(("GET /.well-known/mta-sts.txt HTTP/1.0\r\nHost: " + host + "\r\nUser-Agent: mxdoctor\r\n"
                    + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = ssl.getInputStream();
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            int n;
            while ((n = in.read(buf)) > 0) {
                got.write(buf, 0, n);
                if (got.size() > MAX_BYTES + 8192) {
                    return new Fetched.Failed("the policy at https://" + host + "/.well-known/mta-sts.txt is larger "
                            + "than 64 KB");
                }
            }
            String response = got.toString(StandardCharsets.UTF_8);
            int end = response.indexOf("\r\n\r\n");
            String head = end < 0 ? response : response.substring(0, end);
            String status = head.lines().findFirst().orElse("");
            if (!status.matches("HTTP/1\\.[01] 200( .*)?")) {
                return new Fetched.Failed("https://" + host + "/.well-known/mta-sts.txt answered '" + status + "'"
                        + (status.matches("HTTP/1\\.[01] 3\\d\\d.*") ? " (a redirect, which senders must not "
                        + "follow)" : "") + ", not 200");
            }
            return new Fetched.Policy(end < 0 ? "" : response.substring(end + 4));
        } catch (IOException e) {
            return new Fetched.Failed("https://" + host + "/.well-known/mta-sts.txt could not be fetched: "
                    + e.getMessage());
        }
    }
}
