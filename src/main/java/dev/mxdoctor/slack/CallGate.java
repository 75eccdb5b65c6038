package dev.mxdoctor.slack;

import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Limits the Web API calls in flight, and lets the calls people are waiting for go first: a run's own message (its
 * first words, its progress, its verdict) before transcript replies in threads. When many runs end at once, each
 * verdict then reaches its channel before any run's details, instead of behind every earlier run's transcript.
 * Waiters are woken one at a time (a burst has hundreds of them).
 */
final class CallGate {

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition urgentTurn = lock.newCondition();
    private final Condition detailTurn = lock.newCondition();
    private int free;
    private int urgentWaiting;
    private int detailsWaiting;

    CallGate(int permits) {
        this.free = permits;
    }

    /** Waits for a place; {@code urgent} calls are let in before any waiting detail. */
    void acquire(boolean urgent) throws InterruptedException {
        lock.lock();
        try {
            if (urgent) {
                urgentWaiting++;
                try {
                    while (free == 0) {
                        urgentTurn.await();
                    }
                } finally {
                    urgentWaiting--;
                }
            } else {
                detailsWaiting++;
                try {
                    while (free == 0 || urgentWaiting > 0) {
                        detailTurn.await();
                    }
                } finally {
                    detailsWaiting--;
                }
            }
            free--;
        } finally {
            handOn(); // a place left over (or a wake-up this thread took and did not use) goes to the next in turn
            lock.unlock();
        }
    }

    void release() {
        lock.lock();
        try {
            free++;
            handOn();
        } finally {
            lock.unlock();
        }
    }

    /** Calls waiting for a place: urgent ones, then details (for tests). */
    int[] waiting() {
        lock.lock();
        try {
            return new int[] {urgentWaiting, detailsWaiting};
        } finally {
            lock.unlock();
        }
    }

    private void handOn() {
        if (free == 0) {
            return;
        }
        if (urgentWaiting > 0) {
            urgentTurn.signal();
        } else if (detailsWaiting > 0) {
            detailTurn.signal();
        }
    }
}
