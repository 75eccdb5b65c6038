package dev.mxdoctor.training;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * A mail server on loopback that holds the dialogue a healthy MX host holds (EHLO, STARTTLS when it has a
 * certificate, MAIL, RCPT: accepted for every recipient but {@code nobody}, RSET, QUIT). Only for the class-data
 * cache's training run, like {@link TrainingDns}.
 */
final class TrainingSmtp implements AutoCloseable {

    private final ServerSocket server;
    private final Optional<SSLContext> tls;
    private final Thread thread;

    TrainingSmtp(Optional<SSLContext> tls) throws IOException {
        this.tls = tls;
        server = new ServerSocket();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        thread = Thread.ofPlatform().daemon().name("training-smtp").start(this::accept);
    }

    int port() {
        return server.getLocalPort();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Thread.ofPlatform().daemon().name("training-smtp-session").start(() -> session(client));
            } catch (IOException e) {
                // closed: the end
            }
        }
    }

    private void session(Socket client) {
        Socket socket = client;
        try {
            socket.setSoTimeout(10_000);
            BufferedReader in = reader(socket);
            OutputStream out = socket.getOutputStream();
            write(out, "220 mx.training.test ESMTP mxdoctor training");
            boolean secure = false;
            for (String line; (line = in.readLine()) != null; ) {
                String verb = line.length() < 4 ? line : line.substring(0, 4).toUpperCase(Locale.ROOT);
                switch (verb) {
                    case "EHLO" -> write(out, "250-mx.training.test\r\n250-PIPELINING\r\n250-SIZE 10240000\r\n"
                            + (tls.isPresent() && !secure ? "250-STARTTLS\r\n" : "")
                            + "250-ENHANCEDSTATUSCODES\r\n250 8BITMIME");
                    case "HELO" -> write(out, "250 mx.training.test");
                    case "STAR" -> {
                        if (tls.isEmpty() || secure) {
                            write(out, "502 5.5.1 not here");
                            continue;
                        }
                        write(out, "220 2.0.0 Ready to start TLS");
                        SSLSocket ssl = (SSLSocket) tls.get().getSocketFactory()
                                .createSocket(socket, null, socket.getPort(), true);
                        ssl.setUseClientMode(false);
                        ssl.startHandshake();
                        socket = ssl;
                        in = reader(ssl);
                        out = ssl.getOutputStream();
                        secure = true;
                    }
                    case "MAIL" -> write(out, "250 2.1.0 Ok");
                    case "RCPT" -> write(out, line.toLowerCase(Locale.ROOT).contains("<nobody@")
                            ? "550 5.1.1 <nobody@training.test>: Recipient address rejected: User unknown"
                            : "250 2.1.5 Ok");
                    case "RSET", "NOOP" -> write(out, "250 2.0.0 Ok");
                    case "QUIT" -> {
                        write(out, "221 2.0.0 Bye");
                        return;
                    }
                    default -> write(out, "502 5.5.2 Error: command not recognized");
                }
            }
        } catch (IOException e) {
            // the client went away: the training goes on without this session
        } finally {
            try {
                socket.close();
            } catch (IOException e) {
                // best effort
            }
        }
    }

    private static BufferedReader reader(Socket socket) throws IOException {
        return new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
    }

    private static void write(OutputStream out, String reply) throws IOException {
        out.write((reply + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    @Override
    public void close() throws IOException, InterruptedException {
        server.close();
        thread.join(1000);
    }
}
