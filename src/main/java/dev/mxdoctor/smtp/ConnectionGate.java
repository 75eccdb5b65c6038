package dev.mxdoctor.smtp;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.mxdoctor.dns.Addresses;
import java.io.InterruptedIOException;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * A careful MTA's manners toward one remote address, across the whole process: at most {@code perAddress}
 * connections open at once, and new ones at least {@code interval} apart. A receiving server that sees fifty
 * connections from one address in a second starts answering 421 or lists the address, and that would become the
 * "diagnosis". Work beyond the limits waits (within its deadline) and says so in its transcript.
 */
public final class ConnectionGate {

    /** No limits (tests, and tools that hold a single dialogue). */
    public static final ConnectionGate UNLIMITED = new ConnectionGate(Integer.MAX_VALUE, Duration.ZERO);

    private final int perAddress;
    private final long intervalNanos;
    // Slots of addresses not dialled for an hour are forgotten, so a long-running bot does not keep them all.
    private final Cache<InetAddress, Slot> slots = Caffeine.newBuilder().expireAfterAccess(Duration.ofHours(1))
            .maximumSize(100_000).build();

    public ConnectionGate(int perAddress, Duration interval) {
        if (perAddress < 1) {
            throw new IllegalArgumentException("at least one connection per address");
        }
        this.perAddress = perAddress;
        this.intervalNanos = interval.toNanos();
    }

    private static final class Slot {
        final Semaphore permits;
        final ReentrantLock lock = new ReentrantLock();
        long nextStart;

        Slot(int permits) {
            this.permits = new Semaphore(permits, true);
        }
    }

    /** A place held in the gate; closing it (once, or more: it is idempotent) frees the place. */
    public interface Permit extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * Waits, at most {@code maxWait}, for a place to connect to {@code address}.
     *
     * @param waiting told (once per wait) why the connection waits
     * @throws SocketTimeoutException when no place came free in time
     * @throws InterruptedIOException when the run was cancelled while waiting
     */
    public Permit admit(InetAddress address, Duration maxWait, Consumer<String> waiting)
            throws SocketTimeoutException, InterruptedIOException {
        Slot slot = slots.get(address, a -> new Slot(perAddress));
        long deadline = System.nanoTime() + maxWait.toNanos();
        try {
            if (!slot.permits.tryAcquire()) {
                waiting.accept("waiting: mxdoctor already has " + perAddress + " connection"
                        + (perAddress == 1 ? "" : "s") + " open to " + Addresses.text(address)
                        + " and opens no more at once");
                if (!slot.permits.tryAcquire(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                    throw new SocketTimeoutException("no connection to " + Addresses.text(address)
                            + " could be opened in time (other checks held them)");
                }
            }
            long wait = reserveStart(slot, deadline);
            if (wait < 0) {
                slot.permits.release();
                throw new SocketTimeoutException("the next connection to " + Addresses.text(address)
                        + " would open after the deadline");
            }
            if (wait > 0) {
                waiting.accept("waiting " + TimeUnit.NANOSECONDS.toMillis(wait) + " ms: mxdoctor spaces its "
                        + "connections to " + Addresses.text(address));
                Thread.sleep(Duration.ofNanos(wait)); // the spacing itself: a politeness delay, not a guess
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("cancelled while waiting to connect to " + Addresses.text(address));
        }
        AtomicBoolean released = new AtomicBoolean();
        return () -> {
            if (released.compareAndSet(false, true)) {
                slot.permits.release();
            }
        };
    }

    /**
     * Books the next start time for this address and returns how long to wait for it; -1, booking nothing, when it
     * falls after {@code deadline}.
     */
    private long reserveStart(Slot slot, long deadline) {
        slot.lock.lock();
        try {
            long now = System.nanoTime();
            long start = slot.nextStart - now > 0 ? slot.nextStart : now;
            if (start - deadline > 0) {
                return -1;
            }
            slot.nextStart = start + intervalNanos;
            return start - now;
        } finally {
            slot.lock.unlock();
        }
    }
}
