package dev.mxdoctor.testing;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The CPU time the test harness itself spends (fake Slack, fake DNS and SMTP servers, benchmark senders), so that a
 * benchmark can tell it from the CPU of the code under test when both share a machine's cores. Harness threads are
 * platform threads whose names start with {@link #PREFIX}; short-lived ones add their CPU as they end.
 */
public final class HarnessCpu {

    /** The name prefix of every harness thread. */
    public static final String PREFIX = "harness-";

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final AtomicLong ENDED = new AtomicLong();

    private HarnessCpu() {}

    /** Work with a result that may throw. */
    @FunctionalInterface
    public interface Work<T, E extends Exception> {
        T get() throws E;
    }

    /** A daemon platform thread for the harness that adds its CPU time to the count when it ends. */
    public static Thread start(String name, Runnable work) {
        return Thread.ofPlatform().daemon().name(PREFIX + name).start(() -> {
            try {
                work.run();
            } finally {
                ENDED.addAndGet(Math.max(0, THREADS.getCurrentThreadCpuTime()));
            }
        });
    }

    /** The same for work with a result, run on the calling thread (a sender that is its own thread). */
    public static <T, E extends Exception> T counted(Work<T, E> work) throws E {
        long before = THREADS.getCurrentThreadCpuTime();
        try {
            return work.get();
        } finally {
            ENDED.addAndGet(Math.max(0, THREADS.getCurrentThreadCpuTime() - before));
        }
    }

    /** A factory of long-lived harness threads (pools), counted while they live. */
    public static java.util.concurrent.ThreadFactory factory(String name) {
        return Thread.ofPlatform().daemon().name(PREFIX + name, 0).factory();
    }

    /** CPU time (ns) of every harness thread so far: the ended ones and the live ones. */
    public static long nanos() {
        long live = 0;
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith(PREFIX)) {
                live += Math.max(0, THREADS.getThreadCpuTime(t.threadId()));
            }
        }
        return ENDED.get() + live;
    }

    /** CPU time (ns) of the whole process so far. */
    public static long processNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }
}
