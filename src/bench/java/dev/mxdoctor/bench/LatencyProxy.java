package dev.mxdoctor.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A TCP relay that delays every chunk by a fixed one-way latency in each direction, and the server's first bytes
 * by one more round trip (the TCP handshake). It stands in for {@code tc netem}, which this machine's kernel does
 * not have, in front of the lab's real mail servers.
 */
final class LatencyProxy implements AutoCloseable {

    private final ServerSocket server;
    private final InetSocketAddress upstream;
    private final Duration oneWay;
    private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(4);

    LatencyProxy(InetSocketAddress listen, InetSocketAddress upstream, Duration oneWay) throws IOException {
        this.server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(listen, 100);
        this.upstream = upstream;
        this.oneWay = oneWay;
        Thread.ofPlatform().daemon().start(this::accept);
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Thread.ofVirtual().start(() -> relay(client));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void relay(Socket client) {
        try {
            Socket up = new Socket();
            up.connect(upstream, 5000);
            Thread.ofVirtual().start(() -> pump(client, up, oneWay));
            pump(up, client, oneWay.multipliedBy(3)); // handshake round trip + one way, for the first bytes
        } catch (IOException e) {
            close(client);
        }
    }

    /** Copies from one socket to the other, each chunk delivered {@code delay} after it was read. */
    private void pump(Socket from, Socket to, Duration firstDelay) {
        long base = System.nanoTime();
        boolean first = true;
        try (InputStream in = from.getInputStream()) {
            OutputStream out = to.getOutputStream();
            byte[] buffer = new byte[16384];
            long lastDue = 0;
            int n;
            while ((n = in.read(buffer)) > 0) {
                byte[] chunk = Arrays.copyOf(buffer, n);
                long due = System.nanoTime() - base + (first ? firstDelay : oneWay).toNanos();
                first = false;
                due = Math.max(due, lastDue); // keep the order of chunks
                lastDue = due;
                long wait = due - (System.nanoTime() - base);
                scheduler.schedule(() -> {
                    synchronized (out) {
                        try {
                            out.write(chunk);
                            out.flush();
                        } catch (IOException e) {
                            close(to);
                        }
                    }
                }, Math.max(0, wait), TimeUnit.NANOSECONDS);
            }
        } catch (IOException e) {
            // one side went away
        }
        scheduler.schedule(() -> close(to), oneWay.toNanos() + 1_000_000, TimeUnit.NANOSECONDS);
    }

    private static void close(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // already closed
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        scheduler.shutdownNow();
    }
}
