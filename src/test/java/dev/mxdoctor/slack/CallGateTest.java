package dev.mxdoctor.slack;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

class CallGateTest {

    /** Polls a condition the gate reports (a waiter is parked in it), up to 10 s. */
    private static void until(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waited 10 s for the gate").isLessThan(deadline);
            Thread.onSpinWait();
        }
    }

    private static Thread call(CallGate gate, boolean urgent, String name, List<String> order, CountDownLatch done) {
        return Thread.ofVirtual().start(() -> {
            try {
                gate.acquire(urgent);
                order.add(name);
                gate.release();
            } catch (InterruptedException e) {
                order.add(name + " interrupted");
            } finally {
                done.countDown();
            }
        });
    }

    @Test
    void aWaitingVerdictGoesBeforeTranscriptsThatWaitedLonger() throws Exception {
        CallGate gate = new CallGate(1);
        gate.acquire(true); // the one place, taken
        List<String> order = new CopyOnWriteArrayList<>();
        CountDownLatch done = new CountDownLatch(3);
        call(gate, false, "transcript 1", order, done);
        call(gate, false, "transcript 2", order, done);
        until(() -> gate.waiting()[1] == 2);
        call(gate, true, "verdict", order, done);
        until(() -> gate.waiting()[0] == 1);
        gate.release();
        assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(order.get(0)).isEqualTo("verdict");
        assertThat(order).containsExactlyInAnyOrder("verdict", "transcript 1", "transcript 2");
    }

    @Test
    void neverMoreInFlightThanItsPlaces_andEveryCallerGetsThrough() throws Exception {
        CallGate gate = new CallGate(3);
        java.util.concurrent.atomic.AtomicInteger inside = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger most = new java.util.concurrent.atomic.AtomicInteger();
        CountDownLatch done = new CountDownLatch(200);
        for (int i = 0; i < 200; i++) {
            boolean urgent = i % 3 == 0;
            Thread.ofVirtual().start(() -> {
                try {
                    gate.acquire(urgent);
                    try {
                        most.accumulateAndGet(inside.incrementAndGet(), Math::max);
                        Thread.yield();
                        inside.decrementAndGet();
                    } finally {
                        gate.release();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    done.countDown();
                }
            });
        }
        assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
        assertThat(most.get()).isBetween(1, 3);
        assertThat(gate.waiting()).containsExactly(0, 0);
    }

    @Test
    void anInterruptedWaiter_leavesItsTurnToTheNext() throws Exception {
        CallGate gate = new CallGate(1);
        gate.acquire(true);
        List<String> order = new CopyOnWriteArrayList<>();
        CountDownLatch done = new CountDownLatch(2);
        Thread leaving = call(gate, true, "leaving", order, done);
        until(() -> gate.waiting()[0] == 1);
        call(gate, false, "detail", order, done);
        until(() -> gate.waiting()[1] == 1);
        leaving.interrupt();
        until(() -> gate.waiting()[0] == 0);
        gate.release();
        assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(order).containsExactlyInAnyOrder("leaving interrupted", "detail");
    }
}
