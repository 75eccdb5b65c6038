package dev.mxdoctor.dns;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import com.github.benmanes.caffeine.cache.stats.CacheStats;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * A TTL-honouring cache in front of another {@link DnsClient}. Each entry lives as long as the shortest TTL in its
 * answer (negative answers as RFC 2308 says, capped), failures are not kept, the size is bounded, and concurrent
 * identical questions share one upstream query.
 */
public final class CachingDnsClient implements DnsClient {

    private final DnsClient upstream;
    private final AsyncCache<DnsQuery, DnsResult> cache;

    /**
     * @param maxEntries size bound; least recently/frequently used entries go first
     * @param maxTtl longest any answer is kept, whatever its TTL says
     * @param maxNegativeTtl longest a negative answer is kept (RFC 2308 5 suggests one to three hours)
     * @param ticker the clock entries expire by (a fake one in tests)
     * @param executor where Caffeine does its maintenance
     */
    public CachingDnsClient(DnsClient upstream, long maxEntries, Duration maxTtl, Duration maxNegativeTtl,
            Ticker ticker, Executor executor) {
        this.upstream = upstream;
        this.cache = Caffeine.newBuilder()
                .maximumSize(maxEntries)
                .expireAfter(new TtlExpiry(maxTtl, maxNegativeTtl))
                .ticker(ticker)
                .executor(executor)
                .recordStats()
                .buildAsync();
    }

    @Override
    public CompletableFuture<DnsResult> query(DnsQuery query) {
        return cache.get(query, (q, executor) -> upstream.query(q));
    }

    /** Asks upstream whatever the cache holds ({@code --fresh}), and keeps the new answer for later questions. */
    public CompletableFuture<DnsResult> refresh(DnsQuery query) {
        CompletableFuture<DnsResult> result = upstream.query(query);
        cache.put(query, result);
        return result;
    }

    /** A view of this cache that always asks upstream and refreshes the entry. */
    public DnsClient bypassing() {
        return this::refresh;
    }

    /** Hit and miss counts since start. */
    public CacheStats stats() {
        return cache.synchronous().stats();
    }

    /** Entries currently held (approximate, as Caffeine reports it). */
    public long size() {
        return cache.synchronous().estimatedSize();
    }

    /** Runs pending maintenance (expiry, eviction) now; for tests and metrics. */
    public void cleanUp() {
        cache.synchronous().cleanUp();
    }

    private record TtlExpiry(Duration maxTtl, Duration maxNegativeTtl) implements Expiry<DnsQuery, DnsResult> {
        @Override
        public long expireAfterCreate(DnsQuery key, DnsResult value, long currentTime) {
            Duration ttl = value.ttl();
            Duration cap = switch (value) {
                case DnsResult.NoData n -> maxNegativeTtl;
                case DnsResult.NxDomain n -> maxNegativeTtl;
                default -> maxTtl;
            };
            return (ttl.compareTo(cap) > 0 ? cap : ttl).toNanos();
        }

        @Override
        public long expireAfterUpdate(DnsQuery key, DnsResult value, long currentTime, long currentDuration) {
            return expireAfterCreate(key, value, currentTime);
        }

        @Override
        public long expireAfterRead(DnsQuery key, DnsResult value, long currentTime, long currentDuration) {
            return currentDuration;
        }
    }
}
