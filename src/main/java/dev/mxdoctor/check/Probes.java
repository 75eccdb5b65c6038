package dev.mxdoctor.check;

import dev.mxdoctor.command.Names;
import dev.mxdoctor.diagnosis.AddressProbe;
import dev.mxdoctor.diagnosis.MxEvidence;
import dev.mxdoctor.dns.Addresses;
import dev.mxdoctor.report.ErrorId;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs a dialogue with every address of every MX host at once and attaches each result to its host. */
final class Probes {

    private static final Logger LOG = LoggerFactory.getLogger(Probes.class);

    private final SmtpSettings settings;
    private final Dialogue dialogue;
    private final ExecutorService executor;

    Probes(SmtpSettings settings, ExecutorService executor, LongSupplier nanoTime) {
        this.settings = settings;
        this.dialogue = new Dialogue(settings.dialer(), settings.tls(), settings.timeouts(), settings.helo(),
                settings.pinger(), nanoTime);
        this.executor = executor;
    }

    /**
     * Probes every address in parallel, looking up each one's reverse DNS meanwhile; {@code envelope} present to
     * go on to MAIL and RCPT.
     */
    MxEvidence probeAll(MxEvidence evidence, Optional<Envelope> envelope, ReverseLookups reverse,
            TranscriptRecorder transcript, Deadline deadline, Progress progress) {
        int total = (int) evidence.hosts().stream().flatMap(h -> h.addresses().stream()).distinct().count();
        if (total == 0) {
            return evidence;
        }
        // An address is dialled once however many MX names point at it (providers list the same addresses
        // under several names): the other names get the same result.
        java.util.Map<String, CompletableFuture<AddressProbe>> byAddress = new java.util.HashMap<>();
        java.util.Map<String, String> firstHost = new java.util.HashMap<>();
        AtomicInteger done = new AtomicInteger();
        progress.update("Probing " + total + " address" + (total == 1 ? "" : "es") + " on port " + settings.port()
                + "…");
        List<List<CompletableFuture<AddressProbe>>> pending = new ArrayList<>();
        for (MxEvidence.Host h : evidence.hosts()) {
            List<CompletableFuture<AddressProbe>> forHost = new ArrayList<>();
            for (String a : h.addresses()) {
                CompletableFuture<AddressProbe> earlier = byAddress.get(a);
                if (earlier != null) {
                    transcript.listener(h.name(), a).note("the same address as " + firstHost.get(a)
                            + ": probed once, its dialogue is there");
                    forHost.add(earlier.thenApply(p -> p.withHost(h.name())));
                    continue;
                }
                firstHost.put(a, h.name());
                InetSocketAddress target = new InetSocketAddress(literal(a), settings.port());
                CompletableFuture<AddressProbe.ReverseDns> ptr = reverse.start(a, deadline);
                forHost.add(CompletableFuture.supplyAsync(() -> {
                    AddressProbe p = dialogue.run(h.name(), target, envelope, transcript.listener(h.name(), a),
                            deadline);
                    progress.update("Probed " + done.incrementAndGet() + " of " + total + " addresses…");
                    return p;
                }, executor).thenCombine(ptr, AddressProbe::withReverse)
                        .exceptionally(e -> notProbed(h.name(), a, e)));
                byAddress.put(a, forHost.get(forHost.size() - 1));
            }
            pending.add(forHost);
        }
        List<MxEvidence.Host> hosts = new ArrayList<>();
        for (int i = 0; i < evidence.hosts().size(); i++) {
            hosts.add(evidence.hosts().get(i).withProbes(pending.get(i).stream().map(CompletableFuture::join)
                    .toList()));
        }
        return evidence.withHosts(hosts);
    }

    /** One address's probe failed inside mxdoctor: that address becomes a finding, the run goes on. */
    private AddressProbe notProbed(String host, String address, Throwable e) {
        String id = ErrorId.next();
        LOG.error("probing {} [{}] failed, error id {}", host, address, id, e);
        return AddressProbe.notProbed(host, address, settings.port(), "mxdoctor failed internally (error id " + id
                + ")");
    }

    /** Holds a new dialogue with an address already probed (for DATA), keeping what was found of its names. */
    AddressProbe again(AddressProbe probe, Envelope envelope, TranscriptRecorder transcript, Deadline deadline) {
        AddressProbe p = dialogue.run(probe.host(), new InetSocketAddress(literal(probe.address()), probe.port()),
                Optional.of(envelope), transcript.listener(probe.host(), probe.address()), deadline);
        return probe.reverse().map(p::withReverse).orElse(p);
    }

    /** Probes the control host when every attempted MX address timed out (is port 25 blocked here?). */
    Optional<AddressProbe> controlIfAllTimedOut(MxEvidence evidence, TranscriptRecorder transcript,
            Deadline deadline) {
        List<AddressProbe> tried = evidence.probes().stream()
                .filter(p -> !p.outcome().notTried()).toList();
        if (settings.control().isEmpty() || tried.isEmpty()
                || !tried.stream().allMatch(p -> p.outcome() == AddressProbe.Outcome.TIMEOUT)) {
            return Optional.empty();
        }
        InetSocketAddress c = settings.control().get();
        String name = "control " + c.getHostString();
        return Optional.of(dialogue.run(name, c, Optional.empty(),
                transcript.listener(name, Addresses.text(c.getAddress())), deadline));
    }

    private static InetAddress literal(String address) {
        return Names.ipLiteral(address).orElseThrow(() -> new IllegalStateException("not an address: " + address));
    }
}
