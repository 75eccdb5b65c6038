package dev.mxdoctor.check;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mxdoctor.diagnosis.AddressProbe;
import dev.mxdoctor.smtp.Cidr;
import dev.mxdoctor.smtp.Dialer;
import dev.mxdoctor.smtp.Pinger;
import dev.mxdoctor.smtp.SmtpListener;
import dev.mxdoctor.smtp.TargetPolicy;
import dev.mxdoctor.smtp.Timeouts;
import dev.mxdoctor.smtp.TlsSettings;
import dev.mxdoctor.testing.FakeSmtpServer;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Hostile servers at scale: 200 dialogues at once against servers that send garbage, endless lines, endless
 * replies, a 10,000-line EHLO, a 100 kB reply line, silence, a reset, or garbage after STARTTLS. Every dialogue ends
 * by its deadline with a failure of its own, and nothing leaks: no connection to those servers stays open, and the
 * process holds as many platform threads afterwards as before.
 */
class HostileServersTest {

    private static final Timeouts FAST = new Timeouts(Duration.ofSeconds(1), Duration.ofSeconds(1),
            Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(5));

    /**
     * Connections to or from the hostile servers' addresses (127.0.3.90–98) that are still open, from the kernel's
     * table: what a leaked dialogue (or a server end left open) holds. Counting only these keeps the sockets of other
     * test classes in this JVM, and the JDK's own descriptors, out of the measure. Closed connections wait in
     * TIME_WAIT without a descriptor and are not counted.
     */
    private static long openFileDescriptors() throws Exception {
        long open = 0;
        for (String table : List.of("/proc/net/tcp")) {
            for (String line : Files.readAllLines(Path.of(table))) {
                String[] f = line.strip().split("\\s+");
                if (f.length < 4 || !f[1].contains(":")) {
                    continue; // the header
                }
                boolean ours = hostile(f[1]) || hostile(f[2]);
                String state = f[3];
                if (ours && !state.equals("06") && !state.equals("07")) { // not TIME_WAIT, not CLOSE
                    open++;
                }
            }
        }
        return open;
    }

    /** Whether a /proc/net/tcp address ("5A03007F:1F90", little-endian IPv4) is one of 127.0.3.90–98. */
    private static boolean hostile(String hexAddress) {
        String ip = hexAddress.substring(0, hexAddress.indexOf(':'));
        int last = Integer.parseInt(ip.substring(0, 2), 16);
        return ip.substring(2).equals("03007F") && last >= 90 && last <= 98;
    }

    private static List<FakeSmtpServer> hostileServers() {
        List<FakeSmtpServer> out = new ArrayList<>();
        int i = 0;
        for (FakeSmtpServer.Greeting g : List.of(FakeSmtpServer.Greeting.GARBAGE,
                FakeSmtpServer.Greeting.ENDLESS_LINE, FakeSmtpServer.Greeting.ENDLESS_REPLY,
                FakeSmtpServer.Greeting.SILENT, FakeSmtpServer.Greeting.RESET, FakeSmtpServer.Greeting.CLOSE)) {
            out.add(FakeSmtpServer.start(new InetSocketAddress("127.0.3." + (90 + i++), 0)).greeting(g));
        }
        String[] tenThousand = new String[10_000];
        for (int n = 0; n < tenThousand.length - 1; n++) {
            tenThousand[n] = "250-X-EXTENSION-" + n;
        }
        tenThousand[tenThousand.length - 1] = "250 END";
        out.add(FakeSmtpServer.start(new InetSocketAddress("127.0.3." + (90 + i++), 0)).reply("EHLO", tenThousand));
        out.add(FakeSmtpServer.start(new InetSocketAddress("127.0.3." + (90 + i++), 0))
                .reply("EHLO", "250 " + "x".repeat(100_000)));
        // Says yes to STARTTLS, then answers the TLS handshake in plain SMTP.
        out.add(FakeSmtpServer.start(new InetSocketAddress("127.0.3." + (90 + i), 0))
                .reply("EHLO", "250-hostile.test", "250 STARTTLS").reply("STARTTLS", "220 go ahead"));
        return out;
    }

    private static List<CompletableFuture<AddressProbe>> run(Dialogue dialogue, List<FakeSmtpServer> servers,
            int dialogues) throws Exception {
        List<CompletableFuture<AddressProbe>> runs = new ArrayList<>();
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int n = 0; n < dialogues; n++) {
                FakeSmtpServer s = servers.get(n % servers.size());
                Deadline deadline = Deadline.after(Duration.ofSeconds(10), System::nanoTime);
                runs.add(CompletableFuture.supplyAsync(() -> dialogue.run("hostile.test", s.address(),
                        Optional.empty(), SmtpListener.NONE, deadline), executor));
            }
            // Each dialogue's own deadline is 10 s; all of them together get a little more, and no more.
            CompletableFuture.allOf(runs.toArray(CompletableFuture[]::new)).get(20, TimeUnit.SECONDS);
        }
        return runs;
    }

    /** Waits (bounded) until the count falls to at most {@code limit}: servers close their ends on their own time. */
    private static long settledFileDescriptors(long limit) throws Exception {
        long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        long now = openFileDescriptors();
        while (now > limit && System.nanoTime() < until) {
            java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
            now = openFileDescriptors();
        }
        return now;
    }

    private record Servers(List<FakeSmtpServer> list) implements AutoCloseable {
        @Override
        public void close() {
            list.forEach(FakeSmtpServer::close);
        }
    }

    @Test
    void twoHundredDialoguesAgainstHostileServers_allEndByTheDeadlineAndNothingLeaks() throws Exception {
        Dialogue dialogue = new Dialogue(new Dialer(new TargetPolicy(List.of(Cidr.parse("127.0.0.0/8")), p -> true)),
                TlsSettings.load(Optional.empty()), FAST, "mxdoctor.test", Pinger.DISABLED, System::nanoTime);
        // A first round warms the JDK's own machinery (socket pollers, TLS), which keeps its descriptors.
        try (var warm = new Servers(hostileServers())) {
            run(dialogue, warm.list(), warm.list().size());
        }
        long fdsBefore = settledFileDescriptors(0); // the warm-up's servers are closed: their connections go
        int threadsBefore = ManagementFactory.getThreadMXBean().getThreadCount();
        List<CompletableFuture<AddressProbe>> runs;
        try (var servers = new Servers(hostileServers())) {
            runs = run(dialogue, servers.list(), 200);
        }
        assertThat(runs).allSatisfy(r -> assertThat(r.get().outcome()).isNotNull());
        // The 10,000-line EHLO and the 100 kB line are refused as too long, not read for ever.
        assertThat(runs.stream().map(CompletableFuture::join).map(AddressProbe::outcome).distinct())
                .contains(AddressProbe.Outcome.PROTOCOL_ERROR, AddressProbe.Outcome.BANNER_TIMEOUT);
        // Only the hostile servers' connections are counted, and their servers are closed: none may be left open.
        long allowance = 0;
        long fdsAfter = settledFileDescriptors(fdsBefore + allowance);
        int threadsAfter = ManagementFactory.getThreadMXBean().getThreadCount();
        assertThat(fdsAfter).as("connections to or from the hostile servers still open").isLessThanOrEqualTo(
                fdsBefore + allowance);
        assertThat(threadsAfter).as("platform threads").isLessThanOrEqualTo(threadsBefore + 10);
    }
}
