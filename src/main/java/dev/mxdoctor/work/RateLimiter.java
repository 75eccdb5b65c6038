package dev.mxdoctor.work;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/**
 * At most {@code limit} events per key in any sliding {@code window} (checks per user, per channel). Time comes
 * from a {@link Ticker}, so tests move it instead of waiting.
 */
public final class RateLimiter {

    private final int limit;
    private final long windowNanos;
    private final Ticker ticker;
    private final Cache<String, Deque<Long>> recent;
    private final ReentrantLock lock = new ReentrantLock();

    public RateLimiter(int limit, Duration window, Ticker ticker) {
        this.limit = limit;
        this.windowNanos = window.toNanos();
        this.ticker = ticker;
        this.recent = Caffeine.newBuilder().expireAfterAccess(window).ticker(ticker).maximumSize(100_000).build();
    }

    /**
     * Counts an event for {@code key} if it is within the limit; otherwise counts nothing and returns how long until
     * the next one would be.
     */
    public Optional<Duration> tryAcquire(String key) {
        long now = ticker.read();
        lock.lock();
        try {
            Deque<Long> times = recent.get(key, k -> new ArrayDeque<>());
            while (!times.isEmpty() && now - times.peekFirst() >= windowNanos) {
                times.pollFirst();
            }
            if (times.size() >= limit) {
                return Optional.of(Duration.ofNanos(times.peekFirst() + windowNanos - now));
            }
            times.addLast(now);
            return Optional.empty();
        } finally {
            lock.unlock();
        }
    }
}
