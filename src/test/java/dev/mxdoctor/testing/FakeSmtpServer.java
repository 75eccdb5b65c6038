package dev.mxdoctor.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * A scriptable SMTP server on a loopback port for tests, in the spirit of MockWebServer: a greeting policy for
 * what hostile or broken servers do at connect, canned replies per command, STARTTLS with a test certificate, and
 * a record of every line it received.
 */
public final class FakeSmtpServer implements AutoCloseable {

    /** What happens when a client connects. */
    public enum Greeting {
        /** Sends the scripted greeting (220 by default). */
        NORMAL,
        /** Accepts and says nothing. */
        SILENT,
        /** Answers like an HTTP server on port 25. */
        GARBAGE,
        /** Sends 100 kB without a line ending. */
        ENDLESS_LINE,
        /** Sends "220-" continuation lines forever. */
        ENDLESS_REPLY,
        /** Closes the connection at once. */
        CLOSE,
        /** Resets the connection at once (SO_LINGER 0). */
        RESET
    }

    /** A special action instead of a reply. */
    public static final String CLOSE = "<close>";
    public static final String SILENCE = "<silence>";

    private final ServerSocket server;
    private final List<String> received = new CopyOnWriteArrayList<>();
    private volatile Greeting greeting = Greeting.NORMAL;
    private volatile List<String> greetingLines = List.of("220 fake.test ESMTP ready");
    private volatile Duration greetingDelay = Duration.ZERO;
    private final Map<String, List<String>> replies = new HashMap<>();
    private final Map<String, List<String>> byLine = new java.util.LinkedHashMap<>(); // guarded by replies
    private volatile SSLContext tls;
    private volatile boolean closed;

    private FakeSmtpServer(InetSocketAddress bind) throws IOException {
        server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(bind, 50);
        replies.put("EHLO", List.of("250-fake.test", "250-PIPELINING", "250-SIZE 10240000", "250 8BITMIME"));
        replies.put("HELO", List.of("250 fake.test"));
        replies.put("MAIL", List.of("250 2.1.0 Ok"));
        replies.put("RCPT", List.of("250 2.1.5 Ok"));
        replies.put("DATA", List.of("354 End data with <CR><LF>.<CR><LF>"));
        replies.put(".", List.of("250 2.0.0 Ok: queued as FAKE1"));
        replies.put("RSET", List.of("250 2.0.0 Ok"));
        replies.put("QUIT", List.of("221 2.0.0 Bye"));
        replies.put("NOOP", List.of("250 2.0.0 Ok"));
        HarnessCpu.start("smtp-" + server.getLocalPort(), this::accept);
    }

    /** A server on 127.0.0.1 and an ephemeral port. */
    public static FakeSmtpServer start() {
        return start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    }

    /**
     * Servers on several loopback addresses sharing one port (mxdoctor dials every MX host on the same port). The
     * port is drawn on the first address; when another address has it busy, a new one is drawn.
     */
    public static List<FakeSmtpServer> onSamePort(String... addresses) {
        for (int attempt = 0; ; attempt++) {
            List<FakeSmtpServer> started = new ArrayList<>();
            try {
                FakeSmtpServer first = start(new InetSocketAddress(addresses[0], 0));
                started.add(first);
                for (int i = 1; i < addresses.length; i++) {
                    started.add(start(new InetSocketAddress(addresses[i], first.port())));
                }
                return started;
            } catch (UncheckedIOException e) {
                started.forEach(FakeSmtpServer::close);
                if (attempt == 50) {
                    throw e;
                }
            }
        }
    }

    public static FakeSmtpServer start(InetSocketAddress bind) {
        try {
            return new FakeSmtpServer(bind);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public FakeSmtpServer greeting(Greeting g) {
        this.greeting = g;
        return this;
    }

    public FakeSmtpServer greeting(String... lines) {
        this.greetingLines = List.of(lines);
        return this;
    }

    public FakeSmtpServer greetingDelay(Duration d) {
        this.greetingDelay = d;
        return this;
    }

    /** The reply to a command verb (EHLO, MAIL, RCPT, DATA, "." for the end of data, ...), or CLOSE / SILENCE. */
    public FakeSmtpServer reply(String verb, String... lines) {
        synchronized (replies) {
            replies.put(verb.toUpperCase(Locale.ROOT), List.of(lines));
        }
        return this;
    }

    /** The reply to one command line (matched by its start, ignoring case), ahead of the reply to its verb. */
    public FakeSmtpServer replyTo(String lineStart, String... lines) {
        synchronized (replies) {
            byLine.put(lineStart.toUpperCase(Locale.ROOT), List.of(lines));
        }
        return this;
    }

    /** Offers STARTTLS with this server-side context. */
    public FakeSmtpServer tls(SSLContext context) {
        this.tls = context;
        synchronized (replies) {
            List<String> ehlo = new ArrayList<>(replies.get("EHLO"));
            String last = ehlo.remove(ehlo.size() - 1);
            ehlo.add("250-" + last.substring(4));
            ehlo.add("250 STARTTLS");
            replies.put("EHLO", ehlo);
        }
        return this;
    }

    public InetSocketAddress address() {
        return new InetSocketAddress(server.getInetAddress(), server.getLocalPort());
    }

    public int port() {
        return server.getLocalPort();
    }

    private final java.util.concurrent.atomic.AtomicInteger connections = new java.util.concurrent.atomic.AtomicInteger();

    private final java.util.concurrent.atomic.AtomicInteger open = new java.util.concurrent.atomic.AtomicInteger();
    private final java.util.concurrent.atomic.AtomicInteger maxOpen = new java.util.concurrent.atomic.AtomicInteger();

    /**
     * The most sessions this server held at once: from the accepted connection until it answers QUIT (the client
     * can let go of its place only once it has that answer), or until the connection ends without one.
     */
    public int maxOpen() {
        return maxOpen.get();
    }

    /** Connections accepted so far. */
    public int connections() {
        return connections.get();
    }

    /** Every line received, across connections, in order. */
    public List<String> received() {
        return List.copyOf(received);
    }

    private void accept() {
        while (!closed) {
            try {
                Socket s = server.accept();
                connections.incrementAndGet();
                // A platform thread: a remote server is not in the scheduler of the checks' virtual threads, and on it
                // a reply would wait for a carrier behind their work, a delay the client would be blamed for.
                // Counted from here, where the client's connect has completed, not from when its thread starts.
                maxOpen.accumulateAndGet(open.incrementAndGet(), Math::max);
                java.util.concurrent.atomic.AtomicBoolean left = new java.util.concurrent.atomic.AtomicBoolean();
                Runnable leave = () -> {
                    if (left.compareAndSet(false, true)) {
                        open.decrementAndGet();
                    }
                };
                HarnessCpu.start("smtp-connection", () -> {
                    try {
                        serve(s, leave);
                    } finally {
                        leave.run();
                    }
                });
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket socket, Runnable leave) {
        try {
            Socket s = socket;
            OutputStream out = s.getOutputStream();
            switch (greeting) {
                case SILENT -> {
                    s.getInputStream().read(); // until the client gives up
                    s.close();
                    return;
                }
                case GARBAGE -> {
                    write(out, List.of("HTTP/1.1 400 Bad Request", "Content-Type: text/html", ""));
                    s.close();
                    return;
                }
                case ENDLESS_LINE -> {
                    byte[] chunk = "x".repeat(1000).getBytes(StandardCharsets.US_ASCII);
                    for (int i = 0; i < 100; i++) {
                        out.write(chunk);
                    }
                    out.flush();
                    s.getInputStream().read();
                    s.close();
                    return;
                }
                case ENDLESS_REPLY -> {
                    for (int i = 0; i < 100_000; i++) {
                        out.write(("220-still greeting " + i + "\r\n").getBytes(StandardCharsets.US_ASCII));
                    }
                    s.close();
                    return;
                }
                case CLOSE -> {
                    s.close();
                    return;
                }
                case RESET -> {
                    s.setSoLinger(true, 0);
                    s.close();
                    return;
                }
                case NORMAL -> {}
            }
            if (!greetingDelay.isZero()) {
                Thread.sleep(greetingDelay); // the server's own behaviour under test, not the test waiting
            }
            write(out, greetingLines);
            BufferedReader in = reader(s);
            boolean inData = false;
            String line;
            while ((line = in.readLine()) != null) {
                received.add(line);
                if (inData) {
                    if (line.equals(".")) {
                        inData = false;
                        if (!respond(out, ".")) {
                            s.close();
                            return;
                        }
                    }
                    continue;
                }
                String verb = line.split("[ :]", 2)[0].toUpperCase(Locale.ROOT);
                if (verb.equals("QUIT")) {
                    leave.run(); // before the answer: once the client has it, it may dial again
                }
                if (verb.equals("STARTTLS") && tls != null) {
                    write(out, List.of("220 2.0.0 Ready to start TLS"));
                    SSLSocket ssl = (SSLSocket) tls.getSocketFactory().createSocket(s, null, s.getPort(), true);
                    ssl.setUseClientMode(false);
                    ssl.startHandshake();
                    s = ssl;
                    out = s.getOutputStream();
                    in = reader(s);
                    continue;
                }
                String full = line;
                Optional<List<String>> special;
                synchronized (replies) {
                    special = byLine.entrySet().stream().filter(e -> full.toUpperCase(Locale.ROOT).startsWith(
                            e.getKey())).map(Map.Entry::getValue).findFirst();
                }
                if (special.isPresent()) {
                    write(out, special.get());
                } else if (!respond(out, verb)) {
                    s.close();
                    return;
                }
                if (verb.equals("DATA")) {
                    inData = replyFor("DATA").get(0).startsWith("354");
                }
                if (verb.equals("QUIT")) {
                    s.close();
                    return;
                }
            }
            s.close();
        } catch (IOException | InterruptedException e) {
            // the client went away or the handshake failed: that is the client's business
        }
    }

    /** Writes the scripted reply; false when the script says to close. */
    private boolean respond(OutputStream out, String verb) throws IOException {
        List<String> reply = replyFor(verb);
        if (reply.equals(List.of(CLOSE))) {
            return false;
        }
        if (reply.equals(List.of(SILENCE))) {
            return true;
        }
        write(out, reply);
        return true;
    }

    private List<String> replyFor(String verb) {
        synchronized (replies) {
            return replies.getOrDefault(verb, List.of("502 5.5.2 Error: command not recognized"));
        }
    }

    private static BufferedReader reader(Socket s) throws IOException {
        return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
    }

    private static void write(OutputStream out, List<String> lines) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (String l : lines) {
            sb.append(l).append("\r\n");
        }
        out.write(sb.toString().getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException e) {
            // already closed
        }
    }
}
