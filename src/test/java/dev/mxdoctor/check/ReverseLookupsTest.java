package dev.mxdoctor.check;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mxdoctor.diagnosis.AddressProbe.ReverseDns;
import dev.mxdoctor.diagnosis.DnsStatus;
import dev.mxdoctor.dns.UpstreamDnsClient;
import dev.mxdoctor.testing.FakeDnsServer;
import dev.mxdoctor.testing.Zones;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ReverseLookupsTest {

    private static FakeDnsServer dns;
    private static ExecutorService executor;

    @BeforeAll
    static void start() {
        dns = FakeDnsServer.start(
                Zones.zone("2.0.192.in-addr.arpa", "1 PTR mx1.ok.test.", "2 PTR .", "3 PTR elsewhere.test."),
                Zones.zone("ok.test", "mx1 A 192.0.2.1"),
                Zones.zone("elsewhere.test", "@ A 192.0.2.99"));
        executor = Executors.newVirtualThreadPerTaskExecutor();
    }

    @AfterAll
    static void stop() {
        dns.close();
        executor.shutdownNow();
    }

    private static ReverseDns lookup(String address) throws Exception {
        UpstreamDnsClient client = new UpstreamDnsClient(Duration.ofMillis(250), 1, executor, System::nanoTime);
        ReverseLookups reverse = new ReverseLookups(new DnsTrace(client, System::nanoTime, System.nanoTime()),
                List.of(dns.address()), executor);
        return reverse.start(address, Deadline.after(Duration.ofSeconds(5), System::nanoTime)).get();
    }

    @Test
    void start_ptrResolvingBack_isForwardConfirmed() throws Exception {
        ReverseDns r = lookup("192.0.2.1");
        assertThat(r.names()).containsExactly("mx1.ok.test");
        assertThat(r.forwardConfirmed()).isTrue();
    }

    @Test
    void start_ptrPointingAtTheRoot_isAnUnconfirmedNameNotAFailedRun() throws Exception {
        // Regression: the root as a PTR target made Name.fromConstantString("..") throw and abort the whole run.
        ReverseDns r = lookup("192.0.2.2");
        assertThat(r.lookup().outcome()).isEqualTo(DnsStatus.Outcome.ANSWER);
        assertThat(r.names()).containsExactly(".");
        assertThat(r.forwardConfirmed()).isFalse();
    }

    @Test
    void start_ptrToAnotherAddress_isNotConfirmed() throws Exception {
        ReverseDns r = lookup("192.0.2.3");
        assertThat(r.names()).containsExactly("elsewhere.test");
        assertThat(r.forwardConfirmed()).isFalse();
    }
}
