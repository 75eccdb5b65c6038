package dev.mxdoctor.history;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Which process runs a run, written with it as "host/pid/start-ms", so that a later start can tell a run whose
 * process died from one another process is still running (another CLI, another bot replica).
 */
record Owner(String host, long pid, long startMs) {

    /** This process. */
    static Owner current() {
        ProcessHandle self = ProcessHandle.current();
        return new Owner(hostName(), self.pid(), startMs(self).orElse(0L));
    }

    String label() {
        return host + "/" + pid + "/" + startMs;
    }

    static Optional<Owner> parse(String label) {
        String[] p = label.split("/");
        if (p.length != 3) {
            return Optional.empty();
        }
        try {
            return Optional.of(new Owner(p[0], Long.parseLong(p[1]), Long.parseLong(p[2])));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /**
     * Whether the process that wrote {@code label} is known to be gone: it ran on this host and no process with its
     * pid and start time exists now. A run of another host is never known gone (only its age tells).
     */
    boolean seesGone(String label) {
        Optional<Owner> o = parse(label);
        if (o.isEmpty() || !o.get().host.equals(host)) {
            return false;
        }
        Optional<ProcessHandle> p = ProcessHandle.of(o.get().pid);
        // The same pid may belong to a newer process (a restarted container is pid 1 again): compare start times.
        return p.isEmpty() || !p.get().isAlive() || startMs(p.get()).map(s -> s != o.get().startMs).orElse(false);
    }

    private static Optional<Long> startMs(ProcessHandle p) {
        return p.info().startInstant().map(java.time.Instant::toEpochMilli);
    }

    /** The host's name without a DNS look-up (a reverse look-up here costs CLI start-up time, and may hang). */
    private static String hostName() {
        try {
            String name = Files.readString(Path.of("/etc/hostname")).strip();
            if (!name.isEmpty()) {
                return name;
            }
        } catch (java.io.IOException | RuntimeException e) {
            // not Linux, or not readable: the environment may say
        }
        String env = System.getenv("HOSTNAME");
        return env != null && !env.isBlank() ? env.strip() : "localhost";
    }
}
