package dev.mxdoctor.check;

import com.google.common.net.InternetDomainName;
import dev.mxdoctor.auth.SpfRecord;
import dev.mxdoctor.command.Request;
import dev.mxdoctor.diagnosis.Finding;
import dev.mxdoctor.diagnosis.FindingCode;
import dev.mxdoctor.diagnosis.Severity;
import dev.mxdoctor.diagnosis.Verdict;
import dev.mxdoctor.dns.Addresses;
import dev.mxdoctor.dns.DnsClient;
import dev.mxdoctor.dns.DnsQuery;
import dev.mxdoctor.dns.DnsResult;
import dev.mxdoctor.dns.ValidatingDnsClient;
import dev.mxdoctor.report.Report;
import java.net.InetSocketAddress;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/**
 * The {@code auth} command: a domain's sender authentication records read as receivers read them. SPF: one record,
 * its syntax, every include and redirect followed with the DNS look-ups each term spends counted against the limit
 * of 10 and the void look-ups against 2, and how it ends. DMARC: the domain's record or its organisational domain's
 * (from the Public Suffix List), its tags, and whether external report addresses agreed. DKIM: the keys at the
 * selectors named (or at common ones), their type and size. TLS-RPT: present and well formed.
 */
public final class AuthCheck {

    /** Selectors tried when none is named: Google Workspace, Microsoft 365, Mailchimp and common defaults. */
    static final List<String> COMMON_SELECTORS = List.of("google", "selector1", "selector2", "k1", "k2", "default",
            "s1", "s2", "dkim", "mail");
    static final int LOOKUP_LIMIT = 10;
    static final int VOID_LIMIT = 2;

    private final DnsClient dns;
    private final Resolvers resolvers;
    private final Clock clock;
    private final LongSupplier nanoTime;

    private final Optional<MtaStsFetcher> mtaSts;
    private final Optional<Dane> dane;

    /**
     * How the DANE part asks: through a validating client, and (when given SMTP settings) over STARTTLS to compare
     * the certificates with the TLSA records.
     */
    public record Dane(ValidatingDnsClient dns, Optional<SmtpSettings> smtp, ExecutorService executor) {}

    /** Without DANE: the records above only. */
    public AuthCheck(DnsClient dns, Resolvers resolvers, Clock clock, LongSupplier nanoTime,
            Optional<MtaStsFetcher> mtaSts) {
        this(dns, resolvers, clock, nanoTime, mtaSts, Optional.empty());
    }

    /**
     * @param mtaSts how MTA-STS policies are fetched; empty to read only the record
     * @param dane how DANE is checked; empty to leave it out
     */
    public AuthCheck(DnsClient dns, Resolvers resolvers, Clock clock, LongSupplier nanoTime,
            Optional<MtaStsFetcher> mtaSts, Optional<Dane> dane) {
        this.mtaSts = mtaSts;
        this.dane = dane;
        this.dns = dns;
        this.resolvers = resolvers;
        this.clock = clock;
        this.nanoTime = nanoTime;
    }

    /** One run's DNS, with the TXT records found kept for the report. */
    private final class Asker {
        final DnsTrace trace;
        final List<InetSocketAddress> servers;
        final Deadline deadline;
        final List<Report.RecordLine> shown = new ArrayList<>();

        Asker(DnsTrace trace, List<InetSocketAddress> servers, Deadline deadline) {
            this.trace = trace;
            this.servers = servers;
            this.deadline = deadline;
        }

        DnsResult ask(String name, int type) {
            return trace.ask(DnsQuery.recursive(servers, Name.fromConstantString(name + "."), type), deadline);
        }

        /** The TXT strings at {@code name}, each record's strings joined (RFC 7208 3.3). */
        List<String> txt(String name, boolean keep) {
            return txt(ask(name, Type.TXT), keep);
        }

        /** Asks for the TXT records at {@code name} without waiting; {@link #txt(Asked, boolean)} reads them. */
        Asked txtLater(String name) {
            DnsQuery q = DnsQuery.recursive(servers, Name.fromConstantString(name + "."), Type.TXT);
            return new Asked(q, trace.query(q));
        }

        List<String> txt(Asked asked, boolean keep) {
            return txt(asked.result(trace, deadline), keep);
        }

        private List<String> txt(DnsResult r, boolean keep) {
            List<String> out = new ArrayList<>();
            for (Record rec : r.records(Type.TXT)) {
                String joined = String.join("", ((TXTRecord) rec).getStrings());
                out.add(joined);
                if (keep) {
                    synchronized (shown) {
                        shown.add(new Report.RecordLine(rec.getName().toString(), rec.getTTL(), "TXT", joined));
                    }
                }
            }
            return out;
        }

        boolean exists(String name, int type) {
            return !ask(name, type).records(type).isEmpty();
        }
    }

    public Report run(Request.Auth request, Duration timeout, Progress progress) {
        Instant started = clock.instant();
        long start = nanoTime.getAsLong();
        String domain = request.domain().ascii();
        List<InetSocketAddress> servers;
        try {
            servers = resolvers.servers(request.resolver());
        } catch (Resolvers.Unusable e) {
            return e.report("auth", domain, request.domain().display(), started);
        }
        DnsTrace trace = new DnsTrace(dns, nanoTime, start);
        Asker dnsOf = new Asker(trace, servers, Deadline.after(timeout, nanoTime));
        List<Finding> findings = new ArrayList<>();
        List<String> summary = new ArrayList<>();
        progress.update("Reading the SPF, DMARC, DKIM, MTA-STS, TLS-RPT and DANE records of " + domain + "…");
        // DANE runs beside the rest: its STARTTLS handshakes take longer than all the TXT look-ups together.
        TranscriptRecorder transcript = new TranscriptRecorder(nanoTime, start);
        DnsTrace validatedTrace = new DnsTrace(dane.map(d -> (DnsClient) d.dns()).orElse(dns), nanoTime, start);
        Optional<java.util.concurrent.Future<DaneCheck.Result>> danePart = dane.map(d -> d.executor().submit(() ->
                new DaneCheck(validatedTrace, d.dns(), d.smtp().map(s -> DaneCheck.smtp(s, transcript,
                        nanoTime)), d.executor()).run(domain, servers, dnsOf.deadline)));
        List<Part> parts = new ArrayList<>(List.of(spf(dnsOf, domain), dmarc(dnsOf, domain), dkim(dnsOf, domain,
                request.selectors()), mtaSts(dnsOf, domain), tlsRpt(dnsOf, domain)));
        request.ip().ifPresent(ip -> parts.add(1, spfFor(dnsOf, domain, ip)));
        List<Report.RecordLine> records;
        synchronized (dnsOf.shown) {
            records = new ArrayList<>(dnsOf.shown);
        }
        if (danePart.isPresent()) {
            DaneCheck.Result r = awaitDane(danePart.get(), dnsOf.deadline);
            parts.add(new Part(r.findings(), r.summary()));
            records.addAll(r.records());
        }
        for (Part p : parts) {
            findings.addAll(p.findings());
            summary.add(p.summary());
        }
        Verdict verdict = verdict(domain, findings, summary);
        List<Report.DnsExchange> exchanges = new ArrayList<>(trace.exchanges());
        exchanges.addAll(validatedTrace.exchanges());
        exchanges.sort(java.util.Comparator.comparingLong(Report.DnsExchange::atMs));
        return new Report("auth", domain, request.domain().display(), Resolvers.describe(servers), started,
                (nanoTime.getAsLong() - start) / 1_000_000, verdict, findings, List.of(), records,
                transcript.lines(), exchanges);
    }

    /** The DANE part's result; past the run's deadline, a summary that says it did not finish. */
    private static DaneCheck.Result awaitDane(java.util.concurrent.Future<DaneCheck.Result> f, Deadline deadline) {
        try {
            return f.get(deadline.remaining().toNanos() + 1_000_000_000L, java.util.concurrent.TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            f.cancel(true);
            return new DaneCheck.Result(List.of(), "DANE: not finished within the time allowed", List.of());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            f.cancel(true);
            return new DaneCheck.Result(List.of(), "DANE: interrupted", List.of());
        } catch (java.util.concurrent.ExecutionException e) {
            // DANE is one part of auth: without it the other parts stand, and the log has why.
            String id = dev.mxdoctor.report.ErrorId.next();
            org.slf4j.LoggerFactory.getLogger(AuthCheck.class).error("judging DANE failed, error id {}", id,
                    e.getCause());
            return new DaneCheck.Result(List.of(), "DANE: not judged (mxdoctor failed internally, error id " + id
                    + ")", List.of());
        }
    }

    /** What one part found, and its one-line summary for the verdict. */
    private record Part(List<Finding> findings, String summary) {}

    // ---------------------------------------------------------------- SPF

    /** The look-ups one record spends, term by term, through its includes. */
    private record Cost(int lookups, List<String> voids, List<String> problems, Map<String, Integer> byTerm) {}

    private Part spf(Asker dnsOf, String domain) {
        List<Finding> out = new ArrayList<>();
        List<String> records = dnsOf.txt(domain, true).stream().filter(SpfRecord::isSpf).toList();
        if (records.isEmpty()) {
            out.add(Finding.of(FindingCode.SPF_MISSING, Finding.Stage.POLICY, domain, domain + " publishes no "
                    + "v=spf1 record."));
            return new Part(out, "SPF: none");
        }
        if (records.size() > 1) {
            out.add(Finding.of(FindingCode.SPF_MULTIPLE_RECORDS, Finding.Stage.POLICY, domain, domain + " publishes "
                    + records.size() + " SPF records: " + records.stream().map(r -> "\"" + r + "\"")
                    .collect(Collectors.joining(", ")) + "; SPF evaluation ends in permerror.")
                    .withEvidence(String.join(" | ", records)));
            return new Part(out, "SPF: permerror (" + records.size() + " records)");
        }
        SpfRecord spf = SpfRecord.parse(records.get(0));
        if (!spf.errors().isEmpty()) {
            out.add(Finding.of(FindingCode.SPF_SYNTAX, Finding.Stage.POLICY, domain, "The SPF record of " + domain
                    + " does not parse: " + String.join("; ", spf.errors()) + ".").withEvidence(records.get(0)));
        }
        Cost cost = cost(dnsOf, domain, spf, 0, new HashSet<>(Set.of(domain)));
        if (cost.lookups() > LOOKUP_LIMIT) {
            out.add(Finding.of(FindingCode.SPF_TOO_MANY_LOOKUPS, Finding.Stage.POLICY, domain, "Evaluating the SPF "
                    + "record of " + domain + " takes " + cost.lookups() + " DNS look-ups, more than " + LOOKUP_LIMIT
                    + ": " + spending(cost) + ".").withEvidence(records.get(0)));
        }
        if (cost.voids().size() > VOID_LIMIT) {
            out.add(Finding.of(FindingCode.SPF_VOID_LOOKUPS, Finding.Stage.POLICY, domain, cost.voids().size()
                    + " look-ups of the SPF record of " + domain + " find nothing, more than " + VOID_LIMIT + ": "
                    + String.join(", ", cost.voids()) + "."));
        }
        for (String problem : cost.problems()) {
            out.add(Finding.of(problem.contains("does not parse") ? FindingCode.SPF_SYNTAX : FindingCode.SPF_PERMERROR,
                    Finding.Stage.POLICY, domain, problem + "."));
        }
        boolean ptr = spf.terms().stream().anyMatch(t -> t instanceof SpfRecord.Mechanism m
                && m.name().equals("ptr"));
        if (ptr) {
            out.add(Finding.of(FindingCode.SPF_PTR, Finding.Stage.POLICY, domain, "The SPF record of " + domain
                    + " uses ptr."));
        }
        Optional<SpfRecord.Mechanism> all = spf.all();
        String ending;
        if (all.isPresent() && all.get().qualifier() == '+') {
            ending = "+all";
            out.add(Finding.of(FindingCode.SPF_ALL_PERMISSIVE, Finding.Stage.POLICY, domain, "The SPF record of "
                    + domain + " ends in +all: every server on the internet passes SPF for it.")
                    .withSeverity(Severity.ERROR));
        } else if (all.isPresent() && all.get().qualifier() == '?') {
            ending = "?all";
            out.add(Finding.of(FindingCode.SPF_ALL_PERMISSIVE, Finding.Stage.POLICY, domain, "The SPF record of "
                    + domain + " ends in ?all: senders it does not list are neutral, not failing."));
        } else if (all.isEmpty() && spf.redirect().isEmpty()) {
            ending = "no all";
            out.add(Finding.of(FindingCode.SPF_ALL_PERMISSIVE, Finding.Stage.POLICY, domain, "The SPF record of "
                    + domain + " has no all and no redirect: senders it does not list are neutral."));
        } else {
            ending = all.map(a -> a.qualifier() + "all").orElse("redirect=" + spf.redirect().orElse(""));
        }
        boolean permerror = out.stream().anyMatch(f -> f.severity().compareTo(Severity.ERROR) >= 0
                && f.code() != FindingCode.SPF_ALL_PERMISSIVE);
        return new Part(out, "SPF: " + (permerror ? "permerror" : "ok") + " (" + cost.lookups() + " of "
                + LOOKUP_LIMIT + " look-ups, " + ending + ")");
    }

    /** How check_host (RFC 7208 4) ends for one address, and the terms that led there. */
    private record Evaluation(String result, List<String> path) {}

    /** Look-ups spent in one evaluation, across its includes and redirects. */
    private static final class Spent {
        int lookups;
    }

    private Part spfFor(Asker dnsOf, String domain, String ip) {
        java.net.InetAddress address = dev.mxdoctor.command.Names.ipLiteral(ip).orElseThrow();
        Evaluation e = evaluate(dnsOf, domain, address, new Spent(), 0);
        return new Part(List.of(), "SPF for " + ip + ": " + e.result() + " (" + String.join(" → ", e.path()) + ")");
    }

    private Evaluation evaluate(Asker dnsOf, String domain, java.net.InetAddress ip, Spent spent, int depth) {
        List<String> records = dnsOf.txt(domain, false).stream().filter(SpfRecord::isSpf).toList();
        if (records.isEmpty()) {
            return new Evaluation("none", List.of(domain + " has no SPF record"));
        }
        if (records.size() > 1) {
            return new Evaluation("permerror", List.of(domain + " has " + records.size() + " SPF records"));
        }
        SpfRecord spf = SpfRecord.parse(records.get(0));
        if (!spf.errors().isEmpty()) {
            return new Evaluation("permerror", List.of(domain + ": " + spf.errors().get(0)));
        }
        for (SpfRecord.Term t : spf.terms()) {
            if (!(t instanceof SpfRecord.Mechanism m)) {
                continue;
            }
            if (m.queriesDns() && ++spent.lookups > LOOKUP_LIMIT) {
                return new Evaluation("permerror", List.of(domain + ": more than " + LOOKUP_LIMIT + " look-ups at "
                        + m.text()));
            }
            String target = m.argument().filter(a -> !a.isEmpty()).orElse(domain);
            if (target.contains("%")) {
                return new Evaluation("not evaluated", List.of(domain + ": " + m.text() + " uses macros, which "
                        + "depend on the message"));
            }
            boolean match;
            List<String> via = List.of();
            switch (m.name()) {
                case "all" -> match = true;
                case "ip4", "ip6" -> match = within(ip, target, cidr(m.text(), ip));
                case "a" -> match = addressesOf(dnsOf, target).stream().anyMatch(a -> within(ip, a, cidr(m.text(),
                        ip)));
                case "mx" -> match = dnsOf.ask(target, Type.MX).records(Type.MX).stream().limit(LOOKUP_LIMIT)
                        .flatMap(r -> addressesOf(dnsOf, ((org.xbill.DNS.MXRecord) r).getTarget().toString(true))
                                .stream()).anyMatch(a -> within(ip, a, cidr(m.text(), ip)));
                case "exists" -> match = !dnsOf.ask(target, Type.A).records(Type.A).isEmpty();
                case "include" -> {
                    if (depth >= LOOKUP_LIMIT) {
                        return new Evaluation("permerror", List.of(m.text() + ": includes nested too deep"));
                    }
                    Evaluation inner = evaluate(dnsOf, target, ip, spent, depth + 1);
                    switch (inner.result()) {
                        case "pass" -> {
                            match = true;
                            via = inner.path();
                        }
                        case "none", "permerror" -> {
                            List<String> path = new ArrayList<>(List.of(domain + ": " + m.text()));
                            path.addAll(inner.path());
                            return new Evaluation("permerror", path);
                        }
                        case "temperror", "not evaluated" -> {
                            return inner;
                        }
                        default -> match = false;
                    }
                }
                default -> match = false; // ptr: not evaluated (discouraged, RFC 7208 5.5); counts as no match
            }
            if (match) {
                String result = switch (m.qualifier()) {
                    case '-' -> "fail";
                    case '~' -> "softfail";
                    case '?' -> "neutral";
                    default -> "pass";
                };
                List<String> path = new ArrayList<>(List.of(domain + ": " + m.text() + " matches"));
                path.addAll(via);
                return new Evaluation(result, path);
            }
        }
        Optional<String> redirect = spf.redirect();
        if (redirect.isPresent()) {
            if (++spent.lookups > LOOKUP_LIMIT) {
                return new Evaluation("permerror", List.of(domain + ": more than " + LOOKUP_LIMIT + " look-ups at "
                        + "redirect"));
            }
            Evaluation inner = evaluate(dnsOf, redirect.get(), ip, spent, depth + 1);
            List<String> path = new ArrayList<>(List.of(domain + ": redirect=" + redirect.get()));
            path.addAll(inner.path());
            return new Evaluation(inner.result().equals("none") ? "permerror" : inner.result(), path);
        }
        return new Evaluation("neutral", List.of(domain + ": nothing matches and there is no all"));
    }

    private static List<String> addressesOf(Asker dnsOf, String host) {
        List<String> out = new ArrayList<>();
        for (int type : List.of(Type.A, Type.AAAA)) {
            for (Record r : dnsOf.ask(host.replaceAll("\\.$", ""), type).records(type)) {
                out.add(r instanceof org.xbill.DNS.ARecord a ? Addresses.text(a.getAddress())
                        : Addresses.text(((org.xbill.DNS.AAAARecord) r).getAddress()));
            }
        }
        return out;
    }

    /** The prefix length a term applies to {@code ip}'s family ("/24" for IPv4, "//64" for IPv6, else the whole). */
    private static int cidr(String term, java.net.InetAddress ip) {
        boolean v4 = ip.getAddress().length == 4;
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?:/(\\d+))?(?://(\\d+))?$").matcher(
                term.replaceFirst("^[^/]*", ""));
        String bits = m.find() ? (v4 ? m.group(1) : (term.startsWith("ip6") || term.startsWith("+ip6")
                || term.startsWith("-ip6") || term.startsWith("~ip6") || term.startsWith("?ip6") ? m.group(1)
                : m.group(2))) : null;
        return bits == null ? (v4 ? 32 : 128) : Integer.parseInt(bits);
    }

    private static boolean within(java.net.InetAddress ip, String network, int prefix) {
        try {
            dev.mxdoctor.smtp.Cidr block = dev.mxdoctor.smtp.Cidr.parse(network + "/" + prefix);
            return block.contains(ip);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static String spending(Cost cost) {
        return cost.byTerm().entrySet().stream().map(e -> e.getKey() + " " + e.getValue())
                .collect(Collectors.joining(", "));
    }

    /**
     * The look-ups a record spends, every DNS-querying term counted as a receiver would if it had to evaluate them
     * all (includes and redirect followed; each include's own look-ups added to the term that leads to it).
     */
    private Cost cost(Asker dnsOf, String domain, SpfRecord spf, int depth, Set<String> seen) {
        int total = 0;
        List<String> voids = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        Map<String, Integer> byTerm = new LinkedHashMap<>();
        List<SpfRecord.Term> counted = new ArrayList<>(spf.terms());
        for (SpfRecord.Term t : counted) {
            String target;
            boolean follow;
            if (t instanceof SpfRecord.Mechanism m && m.queriesDns()) {
                target = m.argument().filter(a -> !a.isEmpty()).orElse(domain);
                follow = m.name().equals("include");
            } else if (t instanceof SpfRecord.Modifier mod && mod.name().equals("redirect")) {
                target = mod.value();
                follow = true;
            } else {
                continue;
            }
            int spent = 1;
            String term = t.text();
            if (target.contains("%")) {
                byTerm.merge(term, spent, Integer::sum); // macros: the name depends on the sender; not resolved here
                total += spent;
                continue;
            }
            target = target.toLowerCase(Locale.ROOT).replaceAll("\\.$", "");
            if (follow) {
                if (depth >= LOOKUP_LIMIT || !seen.add(target)) {
                    problems.add("The SPF record of " + domain + " includes " + target + " again (a loop): "
                            + "permerror");
                } else {
                    List<String> sub = dnsOf.txt(target, false).stream().filter(SpfRecord::isSpf).toList();
                    if (sub.size() != 1) {
                        // An include (or redirect) of a name without exactly one SPF record is a permerror (RFC 7208
                        // 5.2, 6.1), whatever the rest of the record says.
                        problems.add(term + " leads to " + (sub.isEmpty() ? "no SPF record" : sub.size()
                                + " SPF records") + " at " + target + ": permerror");
                    } else {
                        SpfRecord inner = SpfRecord.parse(sub.get(0));
                        inner.errors().forEach(e -> problems.add(term + " leads to a record that does not parse: "
                                + e));
                        Cost c = cost(dnsOf, target, inner, depth + 1, seen);
                        spent += c.lookups();
                        voids.addAll(c.voids());
                        problems.addAll(c.problems());
                    }
                }
            } else if (t instanceof SpfRecord.Mechanism m) {
                int type = switch (m.name()) {
                    case "mx" -> Type.MX;
                    case "ptr" -> Type.PTR;
                    default -> Type.A;
                };
                if (type != Type.PTR) {
                    DnsResult r = dnsOf.ask(target, type);
                    if (r.records(type).isEmpty() && (type != Type.A || !dnsOf.exists(target, Type.AAAA))) {
                        if (r instanceof DnsResult.NxDomain || r instanceof DnsResult.NoData) {
                            voids.add(term + " (" + target + ": " + r.status() + ")");
                        }
                    }
                    if (type == Type.MX && r.records(Type.MX).size() > LOOKUP_LIMIT) {
                        problems.add(term + " finds " + r.records(Type.MX).size() + " MX hosts, more than "
                                + LOOKUP_LIMIT + ": permerror");
                    }
                }
            }
            byTerm.merge(term, spent, Integer::sum);
            total += spent;
        }
        return new Cost(total, voids, problems, byTerm);
    }

    // ---------------------------------------------------------------- DMARC

    private static final Set<String> DMARC_TAGS = Set.of("v", "p", "sp", "np", "pct", "adkim", "aspf", "rua", "ruf",
            "fo", "rf", "ri", "psd", "t");

    private Part dmarc(Asker dnsOf, String domain) {
        List<Finding> out = new ArrayList<>();
        String at = domain;
        List<String> records = dmarcRecords(dnsOf, domain);
        String organisational = organisational(domain);
        if (records.isEmpty() && !organisational.equals(domain)) {
            at = organisational;
            records = dmarcRecords(dnsOf, organisational);
        }
        if (records.isEmpty()) {
            out.add(Finding.of(FindingCode.DMARC_MISSING, Finding.Stage.POLICY, domain, "No DMARC record at _dmarc."
                    + domain + (organisational.equals(domain) ? "" : " nor at _dmarc." + organisational
                    + " (its organisational domain)") + "."));
            return new Part(out, "DMARC: none");
        }
        if (records.size() > 1) {
            out.add(Finding.of(FindingCode.DMARC_SYNTAX, Finding.Stage.POLICY, at, "_dmarc." + at + " has "
                    + records.size() + " DMARC records; receivers ignore them all (RFC 7489 6.6.3)."));
            return new Part(out, "DMARC: invalid (" + records.size() + " records)");
        }
        String record = records.get(0);
        Map<String, String> tags = new LinkedHashMap<>();
        List<String> errors = new ArrayList<>();
        for (String part : record.split(";")) {
            if (part.isBlank()) {
                continue;
            }
            int eq = part.indexOf('=');
            if (eq < 0) {
                errors.add("'" + part.strip() + "' is not tag=value");
                continue;
            }
            tags.put(part.substring(0, eq).strip().toLowerCase(Locale.ROOT), part.substring(eq + 1).strip());
        }
        String p = tags.getOrDefault("p", "");
        if (!List.of("none", "quarantine", "reject").contains(p.toLowerCase(Locale.ROOT))) {
            errors.add(p.isEmpty() ? "p= is missing (it is required, and must follow v=DMARC1)"
                    : "p=" + p + " is not none, quarantine or reject");
        }
        check(tags, "sp", "none|quarantine|reject", errors);
        check(tags, "adkim", "r|s", errors);
        check(tags, "aspf", "r|s", errors);
        check(tags, "pct", "(100|[1-9]?[0-9])", errors);
        check(tags, "fo", "[01ds](:[01ds])*", errors);
        check(tags, "ri", "\\d{1,9}", errors);
        for (String uriTag : List.of("rua", "ruf")) {
            if (tags.containsKey(uriTag)) {
                for (String uri : tags.get(uriTag).split(",")) {
                    String u = uri.strip();
                    if (!u.matches("(?i)(mailto:[^@\\s!]+@[^@\\s!]+|https?://\\S+)(![0-9]+[kmgt]?)?")) {
                        errors.add(uriTag + ": '" + u + "' is not a mailto: or http(s) URI");
                    } else if (u.toLowerCase(Locale.ROOT).startsWith("mailto:")) {
                        externalReports(dnsOf, domain, at, uriTag, u).ifPresent(out::add);
                    }
                }
            }
        }
        tags.keySet().stream().filter(t -> !DMARC_TAGS.contains(t)).forEach(t -> errors.add("unknown tag '" + t
                + "' (receivers ignore it)"));
        if (!errors.isEmpty()) {
            out.add(Finding.of(FindingCode.DMARC_SYNTAX, Finding.Stage.POLICY, at, "The DMARC record at _dmarc." + at
                    + ": " + String.join("; ", errors) + ".").withEvidence(record));
        }
        if (p.equalsIgnoreCase("none")) {
            out.add(Finding.of(FindingCode.DMARC_POLICY_NONE, Finding.Stage.POLICY, at, "_dmarc." + at + " says "
                    + "p=none" + (tags.containsKey("rua") ? ", with reports to " + tags.get("rua") : ", and asks for "
                    + "no reports (no rua): nobody learns what fails") + "."));
        }
        String pct = tags.getOrDefault("pct", "100");
        return new Part(out, "DMARC: p=" + (p.isEmpty() ? "?" : p) + (pct.equals("100") ? "" : " pct=" + pct)
                + (at.equals(domain) ? "" : " (from " + at + ")"));
    }

    private List<String> dmarcRecords(Asker dnsOf, String domain) {
        // "v=DMARC1" must come first (RFC 7489 6.4); anything else at _dmarc is not a DMARC record.
        return dnsOf.txt("_dmarc." + domain, true).stream().filter(t -> t.strip().matches("(?s)v\\s*=\\s*DMARC1\\s*"
                + "(;.*)?")).toList();
    }

    private static void check(Map<String, String> tags, String tag, String pattern, List<String> errors) {
        if (tags.containsKey(tag) && !tags.get(tag).toLowerCase(Locale.ROOT).matches(pattern)) {
            errors.add(tag + "=" + tags.get(tag) + " is not valid (" + pattern.replace("|", ", ") + ")");
        }
    }

    /** RFC 7489 7.1: a report address in another organisation's domain must be authorised there. */
    private Optional<Finding> externalReports(Asker dnsOf, String domain, String at, String tag, String uri) {
        String address = uri.substring("mailto:".length()).replaceAll("!.*$", "");
        String reportDomain = address.substring(address.lastIndexOf('@') + 1).toLowerCase(Locale.ROOT);
        if (organisational(reportDomain).equals(organisational(at))) {
            return Optional.empty();
        }
        String authorisation = at + "._report._dmarc." + reportDomain;
        boolean agreed = dnsOf.txt(authorisation, false).stream().anyMatch(t -> t.strip().startsWith("v=DMARC1"));
        return agreed ? Optional.empty() : Optional.of(Finding.of(FindingCode.DMARC_REPORTS_UNAUTHORIZED,
                Finding.Stage.POLICY, at, tag + " sends reports to " + address + ", but " + reportDomain
                + " publishes no " + authorisation + " record: receivers do not send them."));
    }

    /** The organisational domain: the registrable part under the public suffix (example.co.uk for a.example.co.uk). */
    static String organisational(String domain) {
        try {
            InternetDomainName name = InternetDomainName.from(domain);
            return name.isUnderPublicSuffix() ? name.topPrivateDomain().toString() : domain;
        } catch (IllegalArgumentException | IllegalStateException e) {
            return domain;
        }
    }

    // ---------------------------------------------------------------- DKIM

    private Part dkim(Asker dnsOf, String domain, List<String> named) {
        List<Finding> out = new ArrayList<>();
        List<String> selectors = named.isEmpty() ? COMMON_SELECTORS : named;
        List<String> found = new ArrayList<>();
        // Every selector asked at once: ten common ones one after another would be ten round trips.
        Map<String, Asked> asked = new LinkedHashMap<>();
        selectors.forEach(sel -> asked.put(sel, dnsOf.txtLater(sel + "._domainkey." + domain)));
        for (String selector : selectors) {
            String name = selector + "._domainkey." + domain;
            List<String> keys = dnsOf.txt(java.util.Objects.requireNonNull(asked.get(selector)), true).stream()
                    .filter(t -> t.contains("p=")).toList();
            if (keys.isEmpty()) {
                if (!named.isEmpty()) {
                    out.add(Finding.of(FindingCode.DKIM_KEY_MISSING, Finding.Stage.POLICY, domain, "No DKIM key at "
                            + name + "."));
                }
                continue;
            }
            String key = keys.get(0);
            Map<String, String> tags = new LinkedHashMap<>();
            for (String part : key.split(";")) {
                int eq = part.indexOf('=');
                if (eq > 0) {
                    tags.put(part.substring(0, eq).strip().toLowerCase(Locale.ROOT), part.substring(eq + 1)
                            .replaceAll("\\s", ""));
                }
            }
            String type = tags.getOrDefault("k", "rsa").toLowerCase(Locale.ROOT);
            String p = tags.getOrDefault("p", "");
            boolean testing = tags.getOrDefault("t", "").contains("y");
            if (p.isEmpty()) {
                found.add(selector + " (revoked)");
                continue;
            }
            if (type.equals("ed25519")) {
                found.add(selector + " (Ed25519" + (testing ? ", testing" : "") + ")");
                continue;
            }
            Optional<Integer> bits = rsaBits(p);
            if (bits.isEmpty()) {
                out.add(Finding.of(FindingCode.DKIM_KEY_WEAK, Finding.Stage.POLICY, domain, "The key at " + name
                        + " does not parse as an RSA public key: signatures with it fail.").withSeverity(Severity.ERROR)
                        .withEvidence(key.length() > 120 ? key.substring(0, 120) + "…" : key));
                found.add(selector + " (broken)");
                continue;
            }
            if (bits.get() < 2048) {
                out.add(Finding.of(FindingCode.DKIM_KEY_WEAK, Finding.Stage.POLICY, domain, "The key at " + name
                        + " is " + bits.get() + "-bit RSA" + (bits.get() < 1024 ? ": receivers refuse keys shorter "
                        + "than 1024 bits, so signatures with it fail" : ": weak; 2048 bits is the norm") + ".")
                        .withSeverity(bits.get() < 1024 ? Severity.ERROR : Severity.WARNING));
            }
            found.add(selector + " (" + bits.get() + "-bit RSA" + (testing ? ", testing" : "") + ")");
        }
        if (named.isEmpty() && found.isEmpty()) {
            out.add(Finding.of(FindingCode.DKIM_KEY_MISSING, Finding.Stage.POLICY, domain, "No DKIM key at any of the "
                    + "common selectors (" + String.join(", ", COMMON_SELECTORS) + "); DKIM keys cannot be listed, "
                    + "so name the selector your mail is signed with.").withSeverity(Severity.INFO));
        }
        return new Part(out, "DKIM: " + (found.isEmpty() ? "no key found" : String.join(", ", found)));
    }

    /** The size of an RSA public key given as DKIM publishes it (SubjectPublicKeyInfo, base64). */
    static Optional<Integer> rsaBits(String base64) {
        try {
            PublicKey key = KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(Base64.getDecoder()
                    .decode(base64)));
            return Optional.of(((RSAPublicKey) key).getModulus().bitLength());
        } catch (IllegalArgumentException | java.security.GeneralSecurityException | ClassCastException e) {
            return Optional.empty();
        }
    }

    // ---------------------------------------------------------------- MTA-STS

    private Part mtaSts(Asker dnsOf, String domain) {
        List<String> records = dnsOf.txt("_mta-sts." + domain, true).stream().filter(t -> t.strip()
                .startsWith("v=STSv1")).toList();
        if (records.isEmpty()) {
            return new Part(List.of(), "MTA-STS: none");
        }
        List<Finding> out = new ArrayList<>();
        if (records.size() > 1) {
            out.add(Finding.of(FindingCode.MTA_STS_INVALID, Finding.Stage.POLICY, domain, "_mta-sts." + domain
                    + " has " + records.size() + " records; senders treat MTA-STS as absent."));
            return new Part(out, "MTA-STS: invalid");
        }
        if (!records.get(0).matches("v=STSv1;\\s*id=[A-Za-z0-9]{1,32}\\s*;?\\s*(;.*)?")) {
            out.add(Finding.of(FindingCode.MTA_STS_INVALID, Finding.Stage.POLICY, domain, "_mta-sts." + domain
                    + " is not 'v=STSv1; id=<1 to 32 letters and digits>': senders treat MTA-STS as absent.")
                    .withEvidence(records.get(0)));
            return new Part(out, "MTA-STS: invalid");
        }
        if (mtaSts.isEmpty()) {
            return new Part(out, "MTA-STS: record (policy not fetched)");
        }
        String host = "mta-sts." + domain;
        List<java.net.InetAddress> addresses = new ArrayList<>();
        for (int type : List.of(Type.A, Type.AAAA)) {
            for (Record r : dnsOf.ask(host, type).records(type)) {
                addresses.add(r instanceof org.xbill.DNS.ARecord a ? a.getAddress()
                        : ((org.xbill.DNS.AAAARecord) r).getAddress());
            }
        }
        MtaStsFetcher.Fetched fetched = mtaSts.get().fetch(host, addresses);
        if (fetched instanceof MtaStsFetcher.Fetched.Failed f) {
            out.add(Finding.of(FindingCode.MTA_STS_INVALID, Finding.Stage.POLICY, domain, "The MTA-STS policy of "
                    + domain + " is unusable: " + f.why() + "."));
            return new Part(out, "MTA-STS: policy unusable");
        }
        String text = ((MtaStsFetcher.Fetched.Policy) fetched).text();
        Map<String, String> keys = new LinkedHashMap<>();
        List<String> patterns = new ArrayList<>();
        for (String line : text.split("\\r?\\n")) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                String k = line.substring(0, colon).strip().toLowerCase(Locale.ROOT);
                String v = line.substring(colon + 1).strip();
                if (k.equals("mx")) {
                    patterns.add(v.toLowerCase(Locale.ROOT));
                } else {
                    keys.put(k, v);
                }
            }
        }
        List<String> errors = new ArrayList<>();
        if (!"STSv1".equals(keys.get("version"))) {
            errors.add("version is not STSv1");
        }
        String mode = keys.getOrDefault("mode", "").toLowerCase(Locale.ROOT);
        if (!List.of("enforce", "testing", "none").contains(mode)) {
            errors.add("mode is '" + mode + "', not enforce, testing or none");
        }
        String maxAge = keys.getOrDefault("max_age", "");
        if (!maxAge.matches("\\d{1,8}") || Long.parseLong(maxAge) > 31_557_600L) {
            errors.add("max_age '" + maxAge + "' is not a number of seconds up to 31557600");
        }
        if (patterns.isEmpty() && !mode.equals("none")) {
            errors.add("no mx: line, which mode " + mode + " needs");
        }
        if (!errors.isEmpty()) {
            out.add(Finding.of(FindingCode.MTA_STS_INVALID, Finding.Stage.POLICY, domain, "The MTA-STS policy of "
                    + domain + ": " + String.join("; ", errors) + ".").withEvidence(text.strip()));
            return new Part(out, "MTA-STS: invalid policy");
        }
        List<String> hosts = dnsOf.ask(domain, Type.MX).records(Type.MX).stream()
                .map(r -> ((org.xbill.DNS.MXRecord) r).getTarget().toString(true).toLowerCase(Locale.ROOT))
                .filter(h -> !h.isEmpty() && !h.equals(".")).toList();
        List<String> uncovered = hosts.stream().filter(h -> patterns.stream().noneMatch(p -> covers(p, h))).toList();
        if (!uncovered.isEmpty() && !mode.equals("none")) {
            out.add(Finding.of(FindingCode.MTA_STS_INVALID, Finding.Stage.POLICY, domain, "The MTA-STS policy of "
                    + domain + " (mode " + mode + ") covers none of its mx patterns for " + String.join(", ",
                    uncovered) + (mode.equals("enforce") ? ": senders that enforce it will not deliver there"
                    : ": in testing mode, senders only report it") + ". Its mx lines: " + String.join(", ", patterns)
                    + ".").withSeverity(mode.equals("enforce") ? Severity.ERROR : Severity.WARNING));
        }
        return new Part(out, "MTA-STS: mode " + mode + ", max_age " + maxAge + (uncovered.isEmpty() ? ""
                : ", " + uncovered.size() + " MX hosts not covered"));
    }

    /** RFC 8461 4.1: an exact name, or "*." and a name matching exactly one more label on the left. */
    static boolean covers(String pattern, String host) {
        if (pattern.startsWith("*.")) {
            String rest = pattern.substring(1);
            return host.endsWith(rest) && host.length() > rest.length()
                    && !host.substring(0, host.length() - rest.length()).contains(".");
        }
        return pattern.equals(host);
    }

    // ---------------------------------------------------------------- TLS-RPT

    private Part tlsRpt(Asker dnsOf, String domain) {
        String name = "_smtp._tls." + domain;
        List<String> records = dnsOf.txt(name, true).stream().filter(t -> t.strip().startsWith("v=TLSRPTv1"))
                .toList();
        if (records.isEmpty()) {
            return new Part(List.of(Finding.of(FindingCode.TLSRPT_INVALID, Finding.Stage.POLICY, domain, "No TLS-RPT "
                    + "record at " + name + ": senders cannot report TLS failures to the domain.")
                    .withSeverity(Severity.INFO)), "TLS-RPT: none");
        }
        if (records.size() > 1) {
            return new Part(List.of(Finding.of(FindingCode.TLSRPT_INVALID, Finding.Stage.POLICY, domain, name
                    + " has " + records.size() + " TLS-RPT records; senders ignore them all.")), "TLS-RPT: invalid");
        }
        String rua = "";
        for (String part : records.get(0).split(";")) {
            if (part.strip().toLowerCase(Locale.ROOT).startsWith("rua=")) {
                rua = part.strip().substring(4).strip();
            }
        }
        boolean ok = !rua.isEmpty() && java.util.Arrays.stream(rua.split(",")).map(String::strip)
                .allMatch(u -> u.matches("(?i)(mailto:[^@\\s]+@\\S+|https://\\S+)"));
        if (!ok) {
            return new Part(List.of(Finding.of(FindingCode.TLSRPT_INVALID, Finding.Stage.POLICY, domain, name + " has "
                    + (rua.isEmpty() ? "no rua=" : "rua=" + rua + ", which is not mailto: or https: URIs")
                    + ": senders have nowhere to report.").withEvidence(records.get(0))), "TLS-RPT: invalid");
        }
        return new Part(List.of(), "TLS-RPT: reports to " + rua);
    }

    // ---------------------------------------------------------------- verdict

    static Verdict verdict(String domain, List<Finding> findings, List<String> summary) {
        String parts = String.join("; ", summary) + ".";
        List<Finding> broken = findings.stream().filter(f -> f.severity().compareTo(Severity.ERROR) >= 0).toList();
        if (!broken.isEmpty()) {
            Finding first = broken.get(0);
            String what = switch (first.code()) {
                case SPF_MULTIPLE_RECORDS, SPF_TOO_MANY_LOOKUPS, SPF_VOID_LOOKUPS, SPF_SYNTAX, SPF_PERMERROR ->
                        "its SPF ends in "
                        + "permerror, so receivers treat its mail as failing SPF";
                case SPF_ALL_PERMISSIVE -> "its SPF passes every sender (+all), so it protects nothing";
                case DMARC_SYNTAX -> "its DMARC record is invalid, so receivers may apply no policy";
                case DKIM_KEY_WEAK -> "a DKIM key is broken or too short, so signatures with it fail";
                case MTA_STS_INVALID -> "its MTA-STS policy is broken or leaves MX hosts out, so senders that "
                        + "honour it may not deliver";
                case DANE_TLSA_MISMATCH -> "the TLSA records of " + first.host() + " do not match the certificate it "
                        + "presents, so senders that use DANE do not deliver to it";
                case DANE_TLS_UNAVAILABLE -> first.host() + " publishes TLSA records but STARTTLS does not work "
                        + "there, so senders that use DANE do not deliver to it";
                case DNSSEC_BOGUS -> "DNSSEC validation fails for " + first.host() + ", so senders whose "
                        + "resolvers validate cannot look it up and queue the mail";
                default -> first.title().toLowerCase(Locale.ROOT);
            };
            return new Verdict(Verdict.Status.FAILING, domain + " has a problem receivers and senders act on: "
                    + what + ". " + parts);
        }
        boolean missing = findings.stream().anyMatch(f -> f.code() == FindingCode.SPF_MISSING
                || f.code() == FindingCode.DMARC_MISSING);
        if (missing) {
            return new Verdict(Verdict.Status.DEGRADED, domain + " is missing what receivers check: " + parts
                    + " Gmail and Yahoo require SPF, DKIM and DMARC of bulk senders.");
        }
        return new Verdict(Verdict.Status.OK, domain + ": " + parts);
    }
}
