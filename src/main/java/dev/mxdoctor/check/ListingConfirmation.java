package dev.mxdoctor.check;

import dev.mxdoctor.command.Names;
import dev.mxdoctor.diagnosis.AddressProbe;
import dev.mxdoctor.diagnosis.Finding;
import dev.mxdoctor.diagnosis.FindingCode;
import dev.mxdoctor.diagnosis.ReplyRules;
import dev.mxdoctor.dns.Addresses;
import dev.mxdoctor.dns.DnsQuery;
import dev.mxdoctor.dns.DnsResult;
import dev.mxdoctor.dnsbl.Dnsbl;
import dev.mxdoctor.dnsbl.DnsblSettings;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/**
 * When a receiver refuses mxdoctor "as listed on zen.spamhaus.org", mxdoctor asks that list about the address it
 * connected from, and says whether the listing is confirmed; with MXDOCTOR_SENDER_IPS set, it asks about the
 * organisation's own sender addresses too, since the same receiver refuses their mail if they are listed.
 */
final class ListingConfirmation {

    private ListingConfirmation() {}

    /** One answer of a list about one address. */
    private record Looked(String address, Optional<String> listed, Optional<String> reason) {}

    static List<Finding> confirm(List<Finding> findings, List<AddressProbe> probes, List<InetAddress> senders,
            DnsTrace trace, List<InetSocketAddress> servers, Deadline deadline) {
        // The lists receivers named, each with the probes (and so the source addresses) they refused.
        Map<Dnsbl, Set<AddressProbe>> named = new LinkedHashMap<>();
        for (AddressProbe p : probes) {
            Stream.of(p.greeting(), p.ehlo(), p.mail(), p.rcpt(), p.data()).flatMap(Optional::stream)
                    .filter(r -> !r.isPositive()).map(ReplyRules::blocklist).flatMap(Optional::stream)
                    .map(DnsblSettings::named).flatMap(Optional::stream)
                    .forEach(list -> named.computeIfAbsent(list, k -> new LinkedHashSet<>()).add(p));
        }
        if (named.isEmpty()) {
            return findings;
        }
        List<Finding> out = new ArrayList<>(findings);
        for (Map.Entry<Dnsbl, Set<AddressProbe>> e : named.entrySet()) {
            Dnsbl list = e.getKey();
            Set<String> own = new LinkedHashSet<>();
            e.getValue().forEach(p -> p.localAddress().ifPresent(own::add));
            Map<String, Looked> looked = lookUp(list, Stream.concat(own.stream(), senders.stream()
                    .map(InetAddress::getHostAddress)).distinct().toList(), trace, servers, deadline);
            String said = own.stream().map(a -> sentence(list, looked.get(a), "the address mxdoctor connected from"))
                    .collect(Collectors.joining(" "));
            if (!senders.isEmpty()) {
                List<Looked> listedSenders = senders.stream().map(s -> looked.get(Addresses.text(s)))
                        .filter(l -> l != null && l.listed().isPresent()).toList();
                said += listedSenders.isEmpty() ? " None of the " + senders.size() + " sender addresses in "
                        + "MXDOCTOR_SENDER_IPS is listed there." : "";
                for (Looked l : listedSenders) {
                    out.add(Finding.of(FindingCode.IP_BLOCKLISTED, Finding.Stage.POLICY, l.address(), l.address()
                            + ", one of the organisation's sender addresses (MXDOCTOR_SENDER_IPS), is listed on "
                            + list.shown() + ": " + l.listed().get() + l.reason().map(r -> " (" + r + ")").orElse("")
                            + ". The receiver that refused mxdoctor for this list refuses mail from it too.")
                            .withEvidence(l.listed().get()));
                }
            }
            String addition = said.strip();
            out.replaceAll(f -> f.code() == FindingCode.BLOCKLISTED_BY_RECEIVER && e.getValue().stream()
                    .anyMatch(p -> p.address().equals(f.address())) ? f.withDetail(f.detail() + " " + addition) : f);
        }
        return out;
    }

    private static String sentence(Dnsbl list, @Nullable Looked l, String whose) {
        if (l == null) {
            return "";
        }
        return l.listed().map(m -> "Confirmed: " + l.address() + ", " + whose + ", is listed on " + list.shown()
                + " (" + m + l.reason().map(r -> "; the list says: " + r).orElse("") + ").")
                .orElse("Looked up: " + l.address() + ", " + whose + ", is not listed on " + list.shown()
                        + " now; the receiver may have an older answer, or it meant another address on the way.");
    }

    private static Map<String, Looked> lookUp(Dnsbl list, List<String> addresses, DnsTrace trace,
            List<InetSocketAddress> servers, Deadline deadline) {
        Map<String, DnsQuery> questions = new LinkedHashMap<>();
        Map<String, java.util.concurrent.CompletableFuture<DnsResult>> asked = new LinkedHashMap<>();
        for (String a : addresses) {
            InetAddress ip = Names.ipLiteral(a).orElse(null);
            if (ip == null) {
                continue;
            }
            String reverse = Names.reverseName(ip).ascii();
            String key = reverse.substring(0, reverse.lastIndexOf(ip.getAddress().length == 4 ? ".in-addr.arpa"
                    : ".ip6.arpa"));
            DnsQuery q = DnsQuery.recursive(servers, Name.fromConstantString(key + "." + list.zone() + "."), Type.A);
            questions.put(a, q);
            asked.put(a, trace.query(q));
        }
        Map<String, Looked> out = new LinkedHashMap<>();
        for (Map.Entry<String, DnsQuery> q : questions.entrySet()) {
            DnsResult r = trace.await(java.util.Objects.requireNonNull(asked.get(q.getKey())), q.getValue(), deadline);
            Optional<String> listed = Optional.empty();
            if (r instanceof DnsResult.Answer a) {
                List<String> meanings = a.records().stream().filter(x -> x instanceof ARecord)
                        .map(x -> ((ARecord) x).getAddress()).map(ip -> list.meaning(ip.getAddress()))
                        .filter(m -> m.type() == Dnsbl.Meaning.Type.LISTED).map(Dnsbl.Meaning::text).distinct()
                        .toList();
                listed = meanings.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", meanings));
            }
            Optional<String> reason = Optional.empty();
            if (listed.isPresent()) {
                DnsQuery txt = DnsQuery.recursive(servers, q.getValue().name(), Type.TXT);
                if (trace.ask(txt, deadline) instanceof DnsResult.Answer t) {
                    reason = Optional.of(t.records().stream().filter(x -> x instanceof TXTRecord)
                            .map(x -> String.join("", ((TXTRecord) x).getStrings())).collect(Collectors.joining(" / ")))
                            .filter(x -> !x.isBlank());
                }
            }
            out.put(q.getKey(), new Looked(q.getKey(), listed, reason));
        }
        return out;
    }
}
