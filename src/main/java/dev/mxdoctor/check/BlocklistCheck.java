package dev.mxdoctor.check;

import dev.mxdoctor.command.Names;
import dev.mxdoctor.command.Request;
import dev.mxdoctor.diagnosis.Finding;
import dev.mxdoctor.diagnosis.FindingCode;
import dev.mxdoctor.diagnosis.Verdict;
import dev.mxdoctor.dns.Addresses;
import dev.mxdoctor.dns.DnsClient;
import dev.mxdoctor.dns.DnsQuery;
import dev.mxdoctor.dns.DnsResult;
import dev.mxdoctor.dnsbl.Dnsbl;
import dev.mxdoctor.dnsbl.DnsblSettings;
import dev.mxdoctor.report.Report;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/**
 * The {@code blocklist} command: asks every configured DNS blocklist about an address, about every address of a
 * domain's MX hosts (and the domain itself in the domain lists), or about the organisation's sender addresses, all
 * at once through the DNS engine. Each list is first asked for its own test entries (RFC 5782 5), so that a closed
 * list answering "listed" to everything, or a list that refuses this resolver, is told apart from a listing.
 */
public final class BlocklistCheck {

    /** The most MX addresses of a domain that are looked up. */
    static final int MAX_DOMAIN_ADDRESSES = 32;
    /** Questions in flight at once: the resolver is shared with everyone else's checks. */
    static final int IN_FLIGHT = 64;

    private final DnsClient dns;
    private final Resolvers resolvers;
    private final DnsblSettings settings;
    private final Clock clock;
    private final LongSupplier nanoTime;

    public BlocklistCheck(DnsClient dns, Resolvers resolvers, DnsblSettings settings, Clock clock,
            LongSupplier nanoTime) {
        this.dns = dns;
        this.resolvers = resolvers;
        this.settings = settings;
        this.clock = clock;
        this.nanoTime = nanoTime;
    }

    /** One thing asked about: an address (with the MX host it belongs to, if any) or a domain. */
    private record Subject(String name, Optional<String> host, Dnsbl.Kind kind) {
        String shown() {
            return host.map(h -> name + " (" + h + ")").orElse(name);
        }
    }

    /** How a list did on its own test entries. */
    private record Health(boolean usable, Optional<String> refused, Optional<String> unreliable,
            boolean noAnswer) {}

    public Report run(Request.Blocklist request, Duration timeout, Progress progress) {
        Instant started = clock.instant();
        long start = nanoTime.getAsLong();
        List<InetSocketAddress> servers;
        try {
            servers = resolvers.servers(request.resolver());
        } catch (Resolvers.Unusable e) {
            return e.report("blocklist", request.query(), request.query(), started);
        }
        DnsTrace trace = new DnsTrace(dns, nanoTime, start);
        Deadline deadline = Deadline.after(timeout, nanoTime);
        String display = request.domain().map(d -> d.display()).orElse(request.address()
                .orElse("the sender addresses (MXDOCTOR_SENDER_IPS)"));
        List<Subject> subjects = new ArrayList<>();
        List<Finding> findings = new ArrayList<>();
        if (request.address().isPresent()) {
            subjects.add(new Subject(request.address().get(), Optional.empty(), Dnsbl.Kind.IP));
        } else if (request.domain().isPresent()) {
            progress.update("Looking up the MX hosts of " + request.domain().get().ascii() + "…");
            subjects.addAll(mxAddresses(trace, servers, request.domain().get().ascii(), deadline));
            subjects.add(new Subject(request.domain().get().ascii(), Optional.empty(), Dnsbl.Kind.DOMAIN));
        } else {
            settings.senders().forEach(a -> subjects.add(new Subject(Addresses.text(a), Optional.empty(),
                    Dnsbl.Kind.IP)));
        }
        if (subjects.isEmpty()) {
            return report(request, display, servers, started, start, trace, List.of(), List.of(), new Verdict(
                    Verdict.Status.INCONCLUSIVE, "No address to look up: MXDOCTOR_SENDER_IPS is not set. Name an "
                    + "address or a domain (blocklist 192.0.2.25), or set MXDOCTOR_SENDER_IPS to the organisation's "
                    + "outbound addresses."));
        }
        List<Dnsbl> lists = settings.lists();
        progress.update("Asking " + lists.size() + " blocklists about " + display + "…");
        Semaphore inFlight = new Semaphore(IN_FLIGHT);
        // Every question at once (bounded), the lists' test entries with them.
        Map<Dnsbl, List<Asked>> tests = new LinkedHashMap<>();
        for (Dnsbl list : lists) {
            if (subjects.stream().anyMatch(s -> s.kind() == list.kind())) {
                List<Asked> t = new ArrayList<>();
                for (String entry : testEntries(list)) {
                    t.add(ask(trace, inFlight, DnsQuery.recursive(servers, name(entry, list), Type.A)));
                }
                tests.put(list, t);
            }
        }
        Map<Subject, Map<Dnsbl, Asked>> answers = new LinkedHashMap<>();
        for (Subject s : subjects) {
            Map<Dnsbl, Asked> perList = new LinkedHashMap<>();
            for (Dnsbl list : tests.keySet()) {
                if (list.kind() == s.kind()) {
                    perList.put(list, ask(trace, inFlight, DnsQuery.recursive(servers, name(key(s), list),
                            Type.A)));
                }
            }
            answers.put(s, perList);
        }
        Map<Dnsbl, Health> health = new LinkedHashMap<>();
        tests.forEach((list, t) -> health.put(list, health(list, t.get(0).result(trace, deadline),
                t.get(1).result(trace, deadline))));
        health.forEach((list, h) -> {
            h.refused().ifPresent(why -> findings.add(Finding.of(FindingCode.DNSBL_QUERY_REFUSED,
                    Finding.Stage.DNS, list.shown(), list.shown() + " would not answer: " + why + ".")));
            h.unreliable().ifPresent(why -> findings.add(Finding.of(FindingCode.DNSBL_UNRELIABLE,
                    Finding.Stage.DNS, list.shown(), list.shown() + " " + why + ": its answers prove nothing.")));
            if (h.noAnswer()) {
                findings.add(Finding.of(FindingCode.DNSBL_NO_ANSWER, Finding.Stage.DNS, list.shown(), list.shown()
                        + " did not answer its own test entry through " + Resolvers.describe(servers) + "."));
            }
        });
        List<Report.Listing> listings = new ArrayList<>();
        for (Map.Entry<Subject, Map<Dnsbl, Asked>> e : answers.entrySet()) {
            for (Map.Entry<Dnsbl, Asked> q : e.getValue().entrySet()) {
                Report.Listing l = listing(e.getKey(), q.getKey(), java.util.Objects.requireNonNull(health.get(
                        q.getKey())), q.getValue().result(trace, deadline), trace, servers, deadline);
                listings.add(l);
                if (l.status().equals("listed")) {
                    findings.add(listedFinding(e.getKey(), q.getKey(), l));
                }
            }
        }
        return report(request, display, servers, started, start, trace, listings, findings,
                verdict(display, lists, health, listings));
    }

    private Report report(Request.Blocklist request, String display, List<InetSocketAddress> servers,
            Instant started, long start, DnsTrace trace, List<Report.Listing> listings, List<Finding> findings,
            Verdict verdict) {
        return new Report("blocklist", request.query(), display, Resolvers.describe(servers), started,
                (nanoTime.getAsLong() - start) / 1_000_000, verdict, findings, List.of(), List.of(), List.of(),
                masked(trace.exchanges()), listings);
    }

    /** A Data Query Service key is in the zone names asked: never in a report, a log or the history. */
    private List<Report.DnsExchange> masked(List<Report.DnsExchange> exchanges) {
        if (!settings.dqsKey()) {
            return exchanges;
        }
        return exchanges.stream().map(x -> new Report.DnsExchange(x.atMs(), x.question().replaceAll(
                "[a-z0-9]{10,64}\\.(zen|dbl)\\.dq\\.spamhaus\\.net", "<key>.$1.dq.spamhaus.net"), x.status(),
                x.server(), x.rttMs(), x.tcp(), x.authoritative(), x.authenticated(), x.records())).toList();
    }

    private static Asked ask(DnsTrace trace, Semaphore inFlight, DnsQuery q) {
        try {
            inFlight.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Asked(q, CompletableFuture.completedFuture(new DnsResult.TimedOut(q, Duration.ZERO, 0)));
        }
        return new Asked(q, trace.query(q).whenComplete((r, error) -> inFlight.release()));
    }

    /** RFC 5782 5: an IP list lists 127.0.0.2 and not 127.0.0.1; a domain list TEST and not INVALID. */
    private static List<String> testEntries(Dnsbl list) {
        if (list.kind() == Dnsbl.Kind.IP) {
            return List.of("2.0.0.127", "1.0.0.127");
        }
        // Spamhaus documents dbltest.com as the DBL's test entry
        return List.of(list.profile() == Dnsbl.Profile.SPAMHAUS_DBL ? "dbltest.com" : "test", "invalid");
    }

    private static String key(Subject s) {
        if (s.kind() == Dnsbl.Kind.DOMAIN) {
            return s.name();
        }
        InetAddress a = Names.ipLiteral(s.name()).orElseThrow();
        String reverse = Names.reverseName(a).ascii();
        return reverse.substring(0, reverse.lastIndexOf(a.getAddress().length == 4 ? ".in-addr.arpa" : ".ip6.arpa"));
    }

    private static Name name(String key, Dnsbl list) {
        return Name.fromConstantString(key + "." + list.zone() + ".");
    }

    private static Health health(Dnsbl list, DnsResult listed, DnsResult unlisted) {
        Optional<Dnsbl.Meaning> test = meaning(list, listed);
        Optional<Dnsbl.Meaning> control = meaning(list, unlisted);
        String entry = list.kind() == Dnsbl.Kind.IP ? "127.0.0.2" : testEntries(list).get(0).toUpperCase(
                java.util.Locale.ROOT);
        String none = list.kind() == Dnsbl.Kind.IP ? "127.0.0.1" : "INVALID";
        for (Optional<Dnsbl.Meaning> m : List.of(test, control)) {
            if (m.isPresent() && m.get().type() == Dnsbl.Meaning.Type.REFUSED) {
                return new Health(false, Optional.of(m.get().text()), Optional.empty(), false);
            }
        }
        if (control.isPresent()) {
            return new Health(false, Optional.empty(), Optional.of("lists " + none + ", which no working list does "
                    + "(it answers \"listed\" for everything)"), false);
        }
        if (test.isPresent() && test.get().type() == Dnsbl.Meaning.Type.BROKEN) {
            return new Health(false, Optional.empty(), Optional.of("answers its test entry " + entry + " with "
                    + test.get().text()), false);
        }
        if (test.isEmpty()) {
            if (!(listed instanceof DnsResult.NxDomain || listed instanceof DnsResult.NoData)) {
                return new Health(false, Optional.empty(), Optional.empty(), true);
            }
            return new Health(false, Optional.empty(), Optional.of("does not list its test entry " + entry
                    + " (the list may have closed, or does not answer this resolver)"), false);
        }
        return new Health(true, Optional.empty(), Optional.empty(), false);
    }

    /** The meaning of an A answer (the worst of its records), or empty when the name is not listed at all. */
    private static Optional<Dnsbl.Meaning> meaning(Dnsbl list, DnsResult result) {
        if (!(result instanceof DnsResult.Answer a)) {
            return Optional.empty();
        }
        Optional<Dnsbl.Meaning> worst = Optional.empty();
        for (Record r : a.records()) {
            if (r instanceof ARecord ar) {
                Dnsbl.Meaning m = list.meaning(ar.getAddress().getAddress());
                if (worst.isEmpty() || m.type().compareTo(worst.get().type()) > 0) {
                    worst = Optional.of(m);
                }
            }
        }
        return worst;
    }

    private Report.Listing listing(Subject s, Dnsbl list, Health h, DnsResult result, DnsTrace trace,
            List<InetSocketAddress> servers, Deadline deadline) {
        List<String> codes = result instanceof DnsResult.Answer a ? a.records().stream()
                .filter(r -> r instanceof ARecord).map(r -> Addresses.text(((ARecord) r).getAddress())).toList()
                : List.of();
        if (!h.usable()) {
            String why = h.refused().or(h::unreliable).orElse("did not answer its test entry");
            return new Report.Listing(s.shown(), list.shown(), h.refused().isPresent() ? "refused" : h.noAnswer()
                    ? "no-answer" : "unreliable", codes, why, Optional.empty(), Optional.empty());
        }
        if (result instanceof DnsResult.NxDomain || result instanceof DnsResult.NoData) {
            return new Report.Listing(s.shown(), list.shown(), "not-listed", codes, "not listed", Optional.empty(),
                    Optional.empty());
        }
        Optional<Dnsbl.Meaning> m = meaning(list, result);
        if (m.isEmpty()) {
            return new Report.Listing(s.shown(), list.shown(), "no-answer", codes, "no answer ("
                    + result.status() + ")", Optional.empty(), Optional.empty());
        }
        if (m.get().type() != Dnsbl.Meaning.Type.LISTED) {
            return new Report.Listing(s.shown(), list.shown(), m.get().type() == Dnsbl.Meaning.Type.REFUSED
                    ? "refused" : "unreliable", codes, m.get().text(), Optional.empty(), Optional.empty());
        }
        // Every code the list gave, in words: ZEN may say SBL and XBL at once.
        String meaning = codes.stream().map(c -> list.meaning(Names.ipLiteral(c).orElseThrow().getAddress()).text())
                .distinct().collect(Collectors.joining("; "));
        DnsResult txt = trace.ask(DnsQuery.recursive(servers, name(key(s), list), Type.TXT), deadline);
        Optional<String> reason = txt instanceof DnsResult.Answer a ? Optional.of(a.records().stream()
                .filter(r -> r instanceof TXTRecord).map(r -> String.join("", ((TXTRecord) r).getStrings()))
                .collect(Collectors.joining(" / "))).filter(x -> !x.isBlank()) : Optional.empty();
        return new Report.Listing(s.shown(), list.shown(), "listed", codes, meaning, reason,
                list.profile().removal());
    }

    private static Finding listedFinding(Subject s, Dnsbl list, Report.Listing l) {
        boolean domain = s.kind() == Dnsbl.Kind.DOMAIN;
        String detail = s.shown() + " is listed on " + list.shown() + " (" + String.join(", ", l.answers()) + "): "
                + l.meaning() + l.reason().map(r -> ". The list says: " + r).orElse("") + ".";
        Finding f = Finding.of(domain ? FindingCode.DOMAIN_BLOCKLISTED : FindingCode.IP_BLOCKLISTED,
                Finding.Stage.POLICY, s.name(), detail).withEvidence(String.join(", ", l.answers()));
        String removal = l.removal().map(r -> " Removal: " + r + ".").orElse("");
        if (l.meaning().contains("PBL")) {
            return f.withAdvice("This address should not send to MX hosts directly: send through your provider's "
                    + "or your own mail server (a smarthost). If it is a mail server of yours, ask the ISP to mark "
                    + "it so, or remove it from the PBL yourself." + removal);
        }
        if (l.meaning().contains("XBL")) {
            return f.withAdvice("A machine behind this address is compromised or infected: find and clean it "
                    + "(and block outbound port 25 from anything that is not a mail server) before asking for "
                    + "removal." + removal);
        }
        return f.withAdvice(f.advice() + removal);
    }

    static Verdict verdict(String display, List<Dnsbl> lists, Map<Dnsbl, Health> health,
            List<Report.Listing> listings) {
        List<Report.Listing> listed = listings.stream().filter(l -> l.status().equals("listed")).toList();
        long usable = health.values().stream().filter(Health::usable).count();
        if (!listed.isEmpty()) {
            Set<String> subjects = new LinkedHashSet<>();
            listed.forEach(l -> subjects.add(l.subject()));
            String where = listed.stream().map(l -> l.list() + " (" + shortMeaning(l.meaning()) + ")").distinct()
                    .collect(Collectors.joining(", "));
            return new Verdict(Verdict.Status.FAILING, String.join(", ", subjects) + (subjects.size() == 1 ? " is"
                    : " are") + " listed on " + where + ": receivers that use " + (listed.stream().map(
                    Report.Listing::list).distinct().count() == 1 ? "this list" : "these lists") + " refuse or "
                    + "mark mail from " + (subjects.size() == 1 ? "it." : "them."));
        }
        List<String> unusable = health.entrySet().stream().filter(e -> !e.getValue().usable())
                .map(e -> e.getKey().shown()).toList();
        if (usable == 0) {
            return new Verdict(Verdict.Status.INCONCLUSIVE, "No blocklist could be asked about " + display + ": "
                    + String.join(", ", unusable) + " refused, failed their test entries or did not answer.");
        }
        String asked = health.entrySet().stream().filter(e -> e.getValue().usable()).map(e -> e.getKey().shown())
                .collect(Collectors.joining(", "));
        if (!unusable.isEmpty()) {
            return new Verdict(Verdict.Status.INCONCLUSIVE, display + " is on none of the " + usable + " blocklists "
                    + "that answered (" + asked + "), but " + String.join(", ", unusable) + " could not be asked "
                    + "(see the findings).");
        }
        return new Verdict(Verdict.Status.OK, display + " is on none of the " + usable + " blocklists asked ("
                + asked + ").");
    }

    private static String shortMeaning(String meaning) {
        int colon = meaning.indexOf(':');
        return colon > 0 && colon <= 30 ? meaning.substring(0, colon) : meaning.length() > 40
                ? meaning.substring(0, 40) + "…" : meaning;
    }

    /** Every address of every MX host (or of the domain itself without MX records), at most a few dozen. */
    private static List<Subject> mxAddresses(DnsTrace trace, List<InetSocketAddress> servers, String domain,
            Deadline deadline) {
        Name name = Name.fromConstantString(domain + ".");
        DnsResult mx = trace.ask(DnsQuery.recursive(servers, name, Type.MX), deadline);
        List<String> hosts = new ArrayList<>();
        if (mx instanceof DnsResult.Answer a) {
            a.records().stream().filter(r -> r instanceof MXRecord).map(r -> (MXRecord) r)
                    .sorted(java.util.Comparator.comparingInt(MXRecord::getPriority))
                    .map(r -> r.getTarget().toString(true)).filter(h -> !h.isEmpty() && !h.equals("."))
                    .forEach(hosts::add);
        } else {
            hosts.add(domain); // no MX: mail goes to the domain's own addresses (RFC 5321 5.1)
        }
        Map<String, List<Asked>> asked = new LinkedHashMap<>();
        for (String h : hosts) {
            Name n = Name.fromConstantString(h + ".");
            DnsQuery a = DnsQuery.recursive(servers, n, Type.A);
            DnsQuery aaaa = DnsQuery.recursive(servers, n, Type.AAAA);
            asked.put(h, List.of(new Asked(a, trace.query(a)), new Asked(aaaa, trace.query(aaaa))));
        }
        Map<String, Subject> out = new LinkedHashMap<>();
        for (Map.Entry<String, List<Asked>> e : asked.entrySet()) {
            String h = e.getKey();
            for (Asked q : e.getValue()) {
                if (q.result(trace, deadline) instanceof DnsResult.Answer a) {
                    for (Record r : a.records()) {
                        String address = r instanceof ARecord ar ? Addresses.text(ar.getAddress())
                                : r instanceof org.xbill.DNS.AAAARecord aaaa ? Addresses.text(aaaa.getAddress()) : null;
                        if (address != null && out.size() < MAX_DOMAIN_ADDRESSES) {
                            out.putIfAbsent(address, new Subject(address, Optional.of(h), Dnsbl.Kind.IP));
                        }
                    }
                }
            }
        }
        return List.copyOf(out.values());
    }
}
