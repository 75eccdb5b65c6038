package dev.mxdoctor.dns;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executor;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.ExtendedResolver;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.RRset;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;
import org.xbill.DNS.dnssec.ValidatingResolver;

/**
 * Asks through a DNSSEC-validating stub (dnsjava's {@link ValidatingResolver}) with our own trust anchors, so that
 * "validated" does not depend on whether the configured resolver validates. The resolver must pass DNSSEC records
 * (RRSIG, DNSKEY, DS, NSEC) on; it need not check them. Outcomes: a secure answer has {@code authenticated} set;
 * an insecure one (no chain of trust reaches it) has it clear; a bogus one is {@link DnsResult.ServFail} whose
 * additional section carries the validator's reason ({@link #bogusReason}). Not cached: DANE asks few questions and
 * wants them fresh.
 */
public final class ValidatingDnsClient implements DnsClient {

    private final byte[] anchors;
    private final Duration attemptTimeout;
    private final Executor executor;
    private final LongSupplier nanoTime;
    private final Clock clock;
    private final ConcurrentMap<List<InetSocketAddress>, ValidatingResolver> validators = new ConcurrentHashMap<>();
    private volatile @Nullable List<Name> anchorNames;

    /**
     * @param anchors trust anchors as DS or DNSKEY records in master-file format (see {@link #rootAnchors()})
     * @param clock the time signatures are checked against
     */
    public ValidatingDnsClient(byte[] anchors, Duration attemptTimeout, Executor executor, LongSupplier nanoTime,
            Clock clock) {
        this.anchors = anchors.clone();
        this.attemptTimeout = attemptTimeout;
        this.executor = executor;
        this.nanoTime = nanoTime;
        this.clock = clock;
        // Nothing is parsed yet: an mx run makes one of these and uses it only where a host publishes TLSA, and the
        // validator's classes cost a cold command line time (the anchor file was checked with the settings).
    }

    /** The trust anchor closest above {@code name}, if any covers it. */
    public Optional<Name> anchorFor(Name name) {
        List<Name> names = anchorNames;
        if (names == null) {
            ValidatingResolver v = new ValidatingResolver(new SimpleResolver(new InetSocketAddress("127.0.0.1", 53)));
            load(v, anchors);
            names = v.getTrustAnchors().items().stream().map(RRset::getName).distinct().toList();
            anchorNames = names;
        }
        return names.stream().filter(name::subdomain).max(Comparator.comparingInt(Name::labels));
    }

    /** Throws IllegalArgumentException saying why when {@code anchors} hold no usable DS or DNSKEY record. */
    public static void check(byte[] anchors) {
        // Read as the validator reads them (a zone file from the root), without making a validator: this runs at the
        // start of every command where anchors are configured, and a validator costs tens of milliseconds to make.
        boolean usable = false;
        try (org.xbill.DNS.Master master = new org.xbill.DNS.Master(new ByteArrayInputStream(anchors), Name.root, 0)) {
            for (org.xbill.DNS.Record r = master.nextRecord(); r != null; r = master.nextRecord()) {
                usable |= r.getType() == org.xbill.DNS.Type.DS || r.getType() == org.xbill.DNS.Type.DNSKEY;
            }
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("the DNSSEC trust anchors cannot be read: " + e.getMessage(), e);
        }
        if (!usable) {
            throw new IllegalArgumentException("the DNSSEC trust anchors hold no DS or DNSKEY record");
        }
    }

    private static void load(ValidatingResolver v, byte[] anchors) {
        try {
            v.loadTrustAnchors(new ByteArrayInputStream(anchors));
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("the DNSSEC trust anchors cannot be read: " + e.getMessage(), e);
        }
        if (v.getTrustAnchors().items().isEmpty()) {
            throw new IllegalArgumentException("the DNSSEC trust anchors hold no DS or DNSKEY record");
        }
    }

    /** The root zone's key-signing keys (KSK-2017 and KSK-2024) as IANA publishes them, shipped in the jar. */
    public static byte[] rootAnchors() {
        try (var in = ValidatingDnsClient.class.getResourceAsStream("/dev/mxdoctor/dns/root-anchors.txt")) {
            if (in == null) {
                throw new IllegalStateException("root-anchors.txt is missing from the jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private ValidatingResolver validator(List<InetSocketAddress> servers) {
        return validators.computeIfAbsent(servers, s -> {
            List<Resolver> heads = new ArrayList<>();
            for (InetSocketAddress server : s) {
                SimpleResolver r = new SimpleResolver(server);
                r.setTimeout(attemptTimeout);
                heads.add(r);
            }
            ExtendedResolver head = new ExtendedResolver(heads);
            head.setTimeout(attemptTimeout.multipliedBy(2L * heads.size()));
            head.setLoadBalance(false);
            ValidatingResolver v = new ValidatingResolver(head, clock);
            load(v, anchors);
            return v;
        });
    }

    @Override
    public CompletableFuture<DnsResult> query(DnsQuery query) {
        ValidatingResolver validator = validator(query.servers());
        Message message = Message.newQuery(Record.newRecord(query.name(), query.type(), query.dclass()));
        long start = nanoTime.getAsLong();
        InetSocketAddress first = query.servers().get(0);
        return validator.sendAsync(message, executor).toCompletableFuture().handle((response, error) -> {
            Duration rtt = Duration.ofNanos(nanoTime.getAsLong() - start);
            if (error == null) {
                return UpstreamDnsClient.classify(query, response, first, rtt, false);
            }
            Throwable cause = error instanceof CompletionException && error.getCause() != null
                    ? error.getCause() : error;
            if (cause instanceof SocketTimeoutException) {
                return new DnsResult.TimedOut(query, rtt, 1);
            }
            String why = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
            return new DnsResult.Failed(query, DnsResult.describe(first) + ": " + why, Optional.empty());
        });
    }

    /**
     * Whether the first server passes DNSSEC records on: asked for {@code zone}'s DNSKEY with the DO bit, it returns
     * signatures. A resolver or middlebox that strips them makes every answer look bogus to a validating stub; this
     * tells that apart from a zone whose signatures are really broken. Empty when the server did not answer.
     */
    public CompletableFuture<Optional<Boolean>> passesSignatures(List<InetSocketAddress> servers, Name zone) {
        SimpleResolver r = new SimpleResolver(servers.get(0));
        r.setTimeout(attemptTimeout);
        r.setEDNS(0, 4096, ExtendedFlags.DO, List.of());
        Message message = Message.newQuery(Record.newRecord(zone, Type.DNSKEY, DClass.IN));
        return r.sendAsync(message, executor).toCompletableFuture().handle((response, error) -> error != null
                ? Optional.<Boolean>empty()
                : Optional.of(response.getSection(Section.ANSWER).stream().anyMatch(x -> x.getType() == Type.RRSIG)));
    }

    /** Why the validator called an answer bogus, when it did (its reason travels in the additional section). */
    public static Optional<String> bogusReason(DnsResult result) {
        if (!(result instanceof DnsResult.ServFail)) {
            return Optional.empty();
        }
        return result.reply().flatMap(r -> r.additionalSection().stream()
                .filter(rec -> rec.getDClass() == ValidatingResolver.VALIDATION_REASON_QCLASS
                        && rec instanceof TXTRecord)
                .map(rec -> String.join("", ((TXTRecord) rec).getStrings()))
                .findFirst());
    }
}
