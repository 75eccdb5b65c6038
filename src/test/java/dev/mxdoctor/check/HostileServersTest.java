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
 * by its deadline with a failure of its own, and nothing leaks: the process holds as many file descriptors and
 * platform threads afterwards as before.
 */
class HostileServersTest {

    private static final Timeouts FAST = new Timeouts(Duration.ofSeconds(1), Duration.ofSeconds(1),
            Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(5));

    private static long openFileDescriptors() throws Exception {
        try (var fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        }
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

    @Test
    void twoHundredDialoguesAgainstHostileServers_allEndByTheDeadlineAndNothingLeaks() throws Exception {
        long fdsBefore = openFileDescriptors();
        int threadsBefore = ManagementFactory.getThreadMXBean().getThreadCount();
        List<FakeSmtpServer> servers = hostileServers();
        Dialogue dialogue = new Dialogue(new Dialer(new TargetPolicy(List.of(Cidr.parse("127.0.0.0/8")), p -> true)),
                TlsSettings.load(Optional.empty()), FAST, "mxdoctor.test", Pinger.DISABLED, System::nanoTime);
        List<CompletableFuture<AddressProbe>> runs = new ArrayList<>();
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int n = 0; n < 200; n++) {
                FakeSmtpServer s = servers.get(n % servers.size());
                Deadline deadline = Deadline.after(Duration.ofSeconds(10), System::nanoTime);
                runs.add(CompletableFuture.supplyAsync(() -> dialogue.run("hostile.test", s.address(),
                        Optional.empty(), SmtpListener.NONE, deadline), executor));
            }
            // Each dialogue's own deadline is 10 s; all of them together get a little more, and no more.
            CompletableFuture.allOf(runs.toArray(CompletableFuture[]::new)).get(20, TimeUnit.SECONDS);
        } finally {
            servers.forEach(FakeSmtpServer::close);
        }
        assertThat(runs).allSatisfy(r -> assertThat(r.get().outcome()).isNotNull());
        // The 10,000-line EHLO and the 100 kB line are refused as too long, not read for ever.
        assertThat(runs.stream().map(CompletableFuture::join).map(AddressProbe::outcome).distinct())
                .contains(AddressProbe.Outcome.PROTOCOL_ERROR, AddressProbe.Outcome.BANNER_TIMEOUT);
        long fdsAfter = openFileDescriptors();
        int threadsAfter = ManagementFactory.getThreadMXBean().getThreadCount();
        // 200 leaked sockets would be 200 descriptors; a few may belong to the JVM's own housekeeping.
        assertThat(fdsAfter).as("open file descriptors").isLessThanOrEqualTo(fdsBefore + 10);
        assertThat(threadsAfter).as("platform threads").isLessThanOrEqualTo(threadsBefore + 10);
    }
}
