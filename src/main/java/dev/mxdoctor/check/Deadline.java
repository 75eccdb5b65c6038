package dev.mxdoctor.check;

import java.time.Duration;
import java.util.function.LongSupplier;

/** A point in time on a monotonic clock by which a run must end. */
record Deadline(long atNanos, LongSupplier nanoTime) {

    static Deadline after(Duration timeout, LongSupplier nanoTime) {
        return new Deadline(nanoTime.getAsLong() + timeout.toNanos(), nanoTime);
    }

    /** Time left, never negative. */
    Duration remaining() {
        return Duration.ofNanos(Math.max(0, atNanos - nanoTime.getAsLong()));
    }

    /** {@code limit}, or the time left when that is shorter; at least a millisecond (a socket's 0 is "forever"). */
    Duration cap(Duration limit) {
        Duration left = remaining();
        return limit.compareTo(left) < 0 ? limit : left.isZero() ? Duration.ofMillis(1) : left;
    }
}
