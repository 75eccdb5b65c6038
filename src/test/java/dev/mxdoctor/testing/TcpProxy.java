package dev.mxdoctor.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A loopback TCP proxy in front of a real server (a database), whose behaviour for new connections is switched by
 * a test: forward them, refuse them (closed at once: "the database is down"), or hold them open and never answer
 * ("the database hangs": what a stuck server or a firewall that drops packets looks like).
 */
public final class TcpProxy implements AutoCloseable {

    public enum Mode {
        FORWARD,
        REFUSE,
        HANG
    }

    private final ServerSocket server;
    private final InetSocketAddress target;
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private volatile Mode mode;

    public TcpProxy(InetSocketAddress target, Mode mode) {
        this.target = target;
        this.mode = mode;
        try {
            server = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Thread.ofVirtual().start(this::accept);
    }

    public int port() {
        return server.getLocalPort();
    }

    /** Applies to new connections; the ones held by HANG are dropped when the mode changes. */
    public void mode(Mode newMode) {
        this.mode = newMode;
        if (newMode != Mode.HANG) {
            open.forEach(TcpProxy::closeQuietly);
            open.clear();
        }
    }

    private void accept() {
        while (!server.isClosed()) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                return;
            }
            switch (mode) {
                case REFUSE -> closeQuietly(client);
                case HANG -> open.add(client);
                case FORWARD -> forward(client);
            }
        }
    }

    private void forward(Socket client) {
        try {
            Socket upstream = new Socket(target.getAddress(), target.getPort());
            open.add(client);
            open.add(upstream);
            Thread.ofVirtual().start(() -> pump(client, upstream));
            Thread.ofVirtual().start(() -> pump(upstream, client));
        } catch (IOException e) {
            closeQuietly(client);
        }
    }

    private static void pump(Socket from, Socket to) {
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            in.transferTo(out);
        } catch (IOException e) {
            // one side closed
        } finally {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // already closed
        }
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            // closing anyway
        }
        open.forEach(TcpProxy::closeQuietly);
    }
}
