package dev.mxdoctor.work;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RateLimiterTest {

    private final AtomicLong now = new AtomicLong();
    private final Ticker ticker = now::get;

    private void advance(Duration d) {
        now.addAndGet(d.toNanos());
    }

    @Test
    void tryAcquire_overTheLimit_saysWhenTheNextIsPossibleAndCountsNothing() {
        RateLimiter limiter = new RateLimiter(3, Duration.ofMinutes(1), ticker);
        assertThat(limiter.tryAcquire("U1")).isEmpty();
        advance(Duration.ofSeconds(10));
        assertThat(limiter.tryAcquire("U1")).isEmpty();
        assertThat(limiter.tryAcquire("U1")).isEmpty();
        advance(Duration.ofSeconds(5));
        assertThat(limiter.tryAcquire("U1")).contains(Duration.ofSeconds(45));
        assertThat(limiter.tryAcquire("U2")).as("another key has its own window").isEmpty();
        advance(Duration.ofSeconds(45));
        assertThat(limiter.tryAcquire("U1")).as("the first event left the window").isEmpty();
        assertThat(limiter.tryAcquire("U1")).contains(Duration.ofSeconds(10));
    }
}
