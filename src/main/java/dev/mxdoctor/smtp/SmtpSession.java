package dev.mxdoctor.smtp;

import dev.mxdoctor.dns.Addresses;
import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.LongSupplier;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;

/**
 * One SMTP connection (RFC 5321) over a real socket: reads replies with a deadline each, sends commands, and
 * upgrades to TLS with STARTTLS (RFC 3207). Every line goes to the {@link SmtpListener}. A reply, whatever its
 * code, is returned as data; {@link IOException}s are for the transport (timeouts, resets, garbage).
 */
public final class SmtpSession implements Closeable {

    /** Longest reply line accepted; RFC 5321 4.5.3.1.5 allows 512 octets, real servers sometimes more. */
    static final int MAX_LINE = 4096;

    /** Most lines accepted in one reply; a reply that never ends is a protocol error. */
    static final int MAX_REPLY_LINES = 200;

    private final InetSocketAddress address;
    private final SmtpListener listener;
    private final LongSupplier nanoTime;
    private Socket socket;
    private InputStream in;
    private OutputStream out;

    private SmtpSession(InetSocketAddress address, Socket socket, SmtpListener listener, LongSupplier nanoTime)
            throws IOException {
        this.address = address;
        this.listener = listener;
        this.nanoTime = nanoTime;
        attach(socket);
    }

    /** Connects through the dialer (which applies the target policy). */
    public static SmtpSession connect(Dialer dialer, InetSocketAddress address, Duration timeout,
            SmtpListener listener, LongSupplier nanoTime) throws IOException {
        ConnectionGate.Permit permit = dialer.admit(address, timeout, listener::note);
        listener.connecting(address);
        long start = nanoTime.getAsLong();
        Socket socket = dialer.connect(address, timeout, permit);
        listener.connected(address, (nanoTime.getAsLong() - start) / 1_000_000,
                Addresses.text(socket.getLocalAddress()));
        return new SmtpSession(address, socket, listener, nanoTime);
    }

    private void attach(Socket s) throws IOException {
        this.socket = s;
        this.in = new BufferedInputStream(s.getInputStream());
        this.out = s.getOutputStream();
    }

    /** The address this end of the connection has: the source address receivers see (and blocklists list). */
    public String localAddress() {
        return Addresses.text(socket.getLocalAddress());
    }

    /** Reads one complete reply within {@code timeout} (the greeting, or after a command). */
    public SmtpReply readReply(Duration timeout) throws IOException {
        long deadline = nanoTime.getAsLong() + timeout.toNanos();
        List<String> lines = new ArrayList<>();
        while (true) {
            String line = readLine(deadline);
            listener.received(line);
            lines.add(line);
            if (SmtpReply.isLastLine(line)) {
                return SmtpReply.parse(lines);
            }
            if (lines.size() >= MAX_REPLY_LINES) {
                throw new SmtpProtocolException("reply goes on for more than " + MAX_REPLY_LINES + " lines");
            }
        }
    }

    private String readLine(long deadlineNanos) throws IOException {
        // A peer dripping one byte at a time must not stretch the deadline: re-arm the timeout before each read.
        InputStream guarded = new InputStream() {
            @Override
            public int read() throws IOException {
                if (in.available() == 0) {
                    long remaining = deadlineNanos - nanoTime.getAsLong();
                    if (remaining <= 0) {
                        throw new SocketTimeoutException("no complete reply in time");
                    }
                    socket.setSoTimeout((int) Math.max(1, remaining / 1_000_000));
                }
                return in.read();
            }
        };
        return new LineReader(guarded, MAX_LINE).readLine();
    }

    /** Sends one command line and reads its reply. */
    public SmtpReply command(String line, Duration timeout) throws IOException {
        send(line);
        return readReply(timeout);
    }

    /** Sends one line; refuses CR, LF and NUL, which would let input smuggle extra commands (RFC 5321 2.3.8). */
    public void send(String line) throws IOException {
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '\r' || c == '\n' || c == 0) {
                throw new IllegalArgumentException("command contains CR, LF or NUL");
            }
        }
        listener.sent(line);
        out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** Sends raw bytes of a message body (already dot-stuffed, ending in CRLF.CRLF); the transcript gets a note. */
    public void sendData(byte[] body, String note) throws IOException {
        listener.note(note);
        out.write(body);
        out.flush();
    }

    /**
     * Upgrades the connection to TLS after the server answered 220 to STARTTLS.
     *
     * @param serverName the MX host name, sent as SNI and checked against the certificate
     */
    public TlsFacts startTls(TlsSettings settings, String serverName, Duration timeout) throws IOException {
        TlsSettings.Handshake h = settings.newHandshake();
        SSLSocket ssl = (SSLSocket) h.context().getSocketFactory()
                .createSocket(socket, serverName, address.getPort(), true);
        SSLParameters parameters = ssl.getSSLParameters();
        if (isHostName(serverName)) {
            parameters.setServerNames(List.of(new SNIHostName(serverName)));
        }
        ssl.setSSLParameters(parameters);
        ssl.setSoTimeout((int) Math.max(1, timeout.toMillis()));
        ssl.startHandshake();
        attach(ssl);
        TlsFacts facts = facts(ssl.getSession(), h.recorder(), serverName);
        listener.tlsEstablished(facts);
        return facts;
    }

    private static boolean isHostName(String name) {
        return name.indexOf('.') > 0 && !name.endsWith(".") && dev.mxdoctor.command.Names.ipLiteral(name).isEmpty();
    }

    private static TlsFacts facts(SSLSession session, TlsSettings.Recorder recorder, String host) {
        List<X509Certificate> chain = recorder.chain();
        if (chain.isEmpty()) {
            return new TlsFacts(session.getProtocol(), session.getCipherSuite(), "", "", List.of(), false, false,
                    Optional.of("no certificate"), java.time.Instant.EPOCH, java.time.Instant.EPOCH, List.of());
        }
        X509Certificate leaf = chain.get(0);
        List<String> names = dnsNames(leaf);
        boolean namesHost = names.stream().anyMatch(n -> TlsFacts.matches(n, host));
        Optional<String> problem = recorder.problem();
        return new TlsFacts(session.getProtocol(), session.getCipherSuite(),
                leaf.getSubjectX500Principal().getName(), leaf.getIssuerX500Principal().getName(), names, namesHost,
                problem.isEmpty(), problem, leaf.getNotBefore().toInstant(),
                leaf.getNotAfter().toInstant(), chain);
    }

    /** Subject alternative DNS names; the subject's CN only when there are none (RFC 6125 6.4.4). */
    static List<String> dnsNames(X509Certificate cert) {
        List<String> names = new ArrayList<>();
        try {
            if (cert.getSubjectAlternativeNames() != null) {
                for (List<?> san : cert.getSubjectAlternativeNames()) {
                    if (san.size() >= 2 && Integer.valueOf(2).equals(san.get(0))) {
                        names.add(String.valueOf(san.get(1)));
                    }
                }
            }
        } catch (CertificateParsingException e) {
            // an unparseable SAN extension names nothing
        }
        if (names.isEmpty()) {
            for (String part : cert.getSubjectX500Principal().getName().split(",")) {
                if (part.strip().startsWith("CN=")) {
                    names.add(part.strip().substring(3));
                }
            }
        }
        return names;
    }

    public InetSocketAddress address() {
        return address;
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // closing is best effort
        }
        listener.closed();
    }
}
