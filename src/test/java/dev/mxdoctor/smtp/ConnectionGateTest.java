package dev.mxdoctor.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mxdoctor.command.Names;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ConnectionGateTest {

    private static final InetAddress A = Names.ipLiteral("192.0.2.1").orElseThrow();
    private static final InetAddress B = Names.ipLiteral("192.0.2.2").orElseThrow();

    @Test
    void admit_beyondTheCap_waitsSaysWhyAndGoesOnWhenOneCloses() throws Exception {
        ConnectionGate gate = new ConnectionGate(2, Duration.ZERO);
        List<String> notes = new CopyOnWriteArrayList<>();
        ConnectionGate.Permit first = gate.admit(A, Duration.ofSeconds(5), notes::add);
        gate.admit(A, Duration.ofSeconds(5), notes::add);
        assertThat(notes).isEmpty();
        java.util.concurrent.CountDownLatch waiting = new java.util.concurrent.CountDownLatch(1);
        CompletableFuture<ConnectionGate.Permit> third = CompletableFuture.supplyAsync(() -> {
            try {
                return gate.admit(A, Duration.ofSeconds(30), note -> {
                    notes.add(note);
                    waiting.countDown();
                });
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        // Another address is not held up by A's connections.
        gate.admit(B, Duration.ofSeconds(5), notes::add).close();
        // The third is waiting (it said so) before a place is freed: closing earlier would let it straight in.
        assertThat(waiting.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(third).isNotDone();
        first.close();
        assertThat(third.get(10, TimeUnit.SECONDS)).isNotNull();
        assertThat(notes).singleElement().asString()
                .isEqualTo("waiting: mxdoctor already has 2 connections open to 192.0.2.1 and opens no more at once");
    }

    @Test
    void admit_noPlaceFreeInTime_isATimeoutAndHoldsNothing() throws Exception {
        ConnectionGate gate = new ConnectionGate(1, Duration.ZERO);
        ConnectionGate.Permit held = gate.admit(A, Duration.ofSeconds(5), n -> {});
        assertThatThrownBy(() -> gate.admit(A, Duration.ofMillis(50), n -> {}))
                .isInstanceOf(SocketTimeoutException.class).hasMessageContaining("192.0.2.1");
        held.close();
        held.close(); // closing twice frees one place, not two
        gate.admit(A, Duration.ofSeconds(5), n -> {});
        assertThatThrownBy(() -> gate.admit(A, Duration.ofMillis(50), n -> {}))
                .isInstanceOf(SocketTimeoutException.class);
    }

    @Test
    void admit_interval_spacesNewConnectionsToOneAddress() throws Exception {
        ConnectionGate gate = new ConnectionGate(10, Duration.ofMillis(200));
        List<String> notes = new CopyOnWriteArrayList<>();
        long start = System.nanoTime();
        gate.admit(A, Duration.ofSeconds(5), notes::add).close();
        gate.admit(A, Duration.ofSeconds(5), notes::add).close();
        // A lower bound only: the second connection may not start before the interval has passed.
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(200));
        assertThat(notes).singleElement().asString().contains("spaces its connections to 192.0.2.1");
        assertThatThrownBy(() -> gate.admit(A, Duration.ofMillis(10), n -> {}))
                .isInstanceOf(SocketTimeoutException.class).hasMessageContaining("after the deadline");
    }
}
