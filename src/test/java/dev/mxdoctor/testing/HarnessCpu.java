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
        for (java.lang.management.ThreadInfo t : THREADS.getThreadInfo(THREADS.getAllThreadIds(), 0)) {
            if (t != null && t.getThreadName().startsWith(PREFIX)) { // null: ended since the ids were taken
                live += Math.max(0, THREADS.getThreadCpuTime(t.getThreadId()));
            }
        }
        return ENDED.get() + live;
    }

    /** CPU time (ns) of the whole process so far. */
    public static long processNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /**
     * Where a process's CPU went from a starting point: the harness's threads (on other machines in real life), the
     * JIT compilers, the garbage collector, and the rest, the code under test. Taken on the thread that drives the
     * benchmark, whose own CPU (waiting, counting) is the harness's too.
     */
    public record Split(long process, long harness, long driver, long jit, long gc) {

        public static Split now() {
            return new Split(processNanos(), nanos(), THREADS.getCurrentThreadCpuTime(),
                    vmThreads("C1 Compiler", "C2 Compiler"), vmThreads("GC Thread", "VM Thread", "G1 "));
        }

        /** One line: the CPU since this split, and the code under test's share per unit of work. */
        public String since(int n, String what) {
            Split end = now();
            double total = (end.process - process) / 1e9;
            double harnessSeconds = (end.harness - harness + end.driver - driver) / 1e9;
            double jitSeconds = (end.jit - jit) / 1e9;
            double gcSeconds = (end.gc - gc) / 1e9;
            double mine = total - harnessSeconds - jitSeconds - gcSeconds;
            return String.format("CPU meanwhile: %.2f s in all: the harness %.2f s, the JIT compilers %.2f s, the "
                    + "garbage collector %.2f s, mxdoctor %.2f s = %.1f ms a %s", total, harnessSeconds, jitSeconds,
                    gcSeconds, mine, mine * 1000 / n, what);
        }

        /**
         * CPU time (ns) of the JVM's own threads whose names start so, which are not Java threads to the management
         * beans (Linux: /proc/self/task/N/stat).
         */
        static long vmThreads(String... prefixes) {
            long ticks = 0;
            try (java.util.stream.Stream<java.nio.file.Path> tasks = java.nio.file.Files.list(
                    java.nio.file.Path.of("/proc/self/task"))) {
                for (java.nio.file.Path task : (Iterable<java.nio.file.Path>) tasks::iterator) {
                    String stat;
                    try {
                        stat = java.nio.file.Files.readString(task.resolve("stat"));
                    } catch (java.io.IOException e) {
                        continue; // the thread ended meanwhile
                    }
                    String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                    if (java.util.Arrays.stream(prefixes).anyMatch(name::startsWith)) {
                        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                        ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime
                    }
                }
            } catch (java.io.IOException e) {
                return 0;
            }
            return ticks * 10_000_000L; // USER_HZ is 100 on Linux
        }
    }
}
