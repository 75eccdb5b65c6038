package dev.mxdoctor.check;

import dev.mxdoctor.dns.DnsQuery;
import dev.mxdoctor.dns.DnsResult;
import java.util.concurrent.CompletableFuture;

/** A DNS question on its way: asked now, read later, so that a run's questions travel together. */
record Asked(DnsQuery query, CompletableFuture<DnsResult> future) {

    /** The answer, or a timeout once the run's deadline has passed. */
    DnsResult result(DnsTrace trace, Deadline deadline) {
        return trace.await(future, query, deadline);
    }
}
