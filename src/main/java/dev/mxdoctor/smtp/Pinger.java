package dev.mxdoctor.smtp;

import dev.mxdoctor.diagnosis.AddressProbe.Ping;
import dev.mxdoctor.dns.Addresses;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Sends one ICMP echo, as the manual routine does after {@code telnet host 25} fails, to tell "host down" from
 * "port 25 filtered". Uses the system's {@code ping}; where it is missing or not permitted, says so rather than
 * guessing (Java's own {@code isReachable} silently falls back to TCP port 7, which proves nothing).
 */
public interface Pinger {

    Ping ping(InetAddress address, Duration timeout);

    /** A pinger for machines where ICMP is not wanted. */
    Pinger DISABLED = (address, timeout) -> new Ping(Ping.Result.UNAVAILABLE, "ping is turned off");

    /** The system's ping binary, if there is one. */
    static Pinger system() {
        Optional<Path> binary = List.of("/usr/bin/ping", "/bin/ping", "/usr/sbin/ping").stream()
                .map(Path::of).filter(Files::isExecutable).findFirst();
        if (binary.isEmpty()) {
            return (address, timeout) -> new Ping(Ping.Result.UNAVAILABLE,
                    "no ping program on this machine, so host down and port 25 filtered cannot be told apart");
        }
        return (address, timeout) -> run(binary.get(), address, timeout);
    }

    private static Ping run(Path ping, InetAddress address, Duration timeout) {
        long seconds = Math.max(1, timeout.toSeconds());
        List<String> command = List.of(ping.toString(), address instanceof Inet6Address ? "-6" : "-4", "-n", "-c",
                "1", "-W", String.valueOf(seconds), Addresses.text(address));
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            if (!p.waitFor(seconds + 2, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Ping(Ping.Result.NO_REPLY, "no echo reply in " + seconds + " s");
            }
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return switch (p.exitValue()) {
                case 0 -> new Ping(Ping.Result.REPLY, output.lines().filter(l -> l.contains("time="))
                        .map(l -> "echo reply, " + l.substring(l.indexOf("time=")).strip()).findFirst()
                        .orElse("echo reply"));
                case 1 -> new Ping(Ping.Result.NO_REPLY, "no echo reply in " + seconds + " s");
                default -> new Ping(Ping.Result.UNAVAILABLE, "ping could not run here: "
                        + output.lines().reduce((a, b) -> b).orElse("exit " + p.exitValue()).strip());
            };
        } catch (IOException e) {
            return new Ping(Ping.Result.UNAVAILABLE, "ping could not run here: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Ping(Ping.Result.UNAVAILABLE, "interrupted");
        }
    }
}
