package dev.mxdoctor.dns;

import java.util.concurrent.CompletableFuture;

/** Asks one DNS question. The future always completes normally: failures are {@link DnsResult} outcomes. */
@FunctionalInterface
public interface DnsClient {
    CompletableFuture<DnsResult> query(DnsQuery query);
}
