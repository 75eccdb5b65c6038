package dev.mxdoctor.report;

import dev.mxdoctor.diagnosis.AddressProbe;
import dev.mxdoctor.diagnosis.Finding;
import dev.mxdoctor.diagnosis.Verdict;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The immutable result of one run: what was asked, what was seen and what it means. The JSON renderer writes it
 * in the contract's shape; history stores that JSON.
 *
 * @param queryDisplay the query as shown to people (both forms of an internationalised name)
 * @param mx the MX table (empty for commands other than mx)
 * @param records the answer records of a {@code dns} command
 * @param dns every DNS exchange of the run, in order
 * @param listings what blocklists said ({@code blocklist})
 * @param policy a one-line summary of the domain's mail policy records ({@code mx}), or empty
 */
public record Report(
        String command,
        String query,
        String queryDisplay,
        String resolver,
        Instant started,
        long elapsedMs,
        Verdict verdict,
        List<Finding> findings,
        List<MxEntry> mx,
        List<RecordLine> records,
        List<TranscriptLine> transcript,
        List<DnsExchange> dns,
        List<Listing> listings,
        String policy) {

    /** A report without blocklist look-ups (every command but blocklist). */
    public Report(String command, String query, String queryDisplay, String resolver, Instant started,
            long elapsedMs, Verdict verdict, List<Finding> findings, List<MxEntry> mx, List<RecordLine> records,
            List<TranscriptLine> transcript, List<DnsExchange> dns) {
        this(command, query, queryDisplay, resolver, started, elapsedMs, verdict, findings, mx, records, transcript,
                dns, List.of(), "");
    }

    /** A report with blocklist look-ups. */
    public Report(String command, String query, String queryDisplay, String resolver, Instant started,
            long elapsedMs, Verdict verdict, List<Finding> findings, List<MxEntry> mx, List<RecordLine> records,
            List<TranscriptLine> transcript, List<DnsExchange> dns, List<Listing> listings) {
        this(command, query, queryDisplay, resolver, started, elapsedMs, verdict, findings, mx, records, transcript,
                dns, listings, "");
    }

    public Report {
        Objects.requireNonNull(command, "command");
        Objects.requireNonNull(query, "query");
        Objects.requireNonNull(started, "started");
        Objects.requireNonNull(verdict, "verdict");
        findings = List.copyOf(findings);
        mx = List.copyOf(mx);
        records = List.copyOf(records);
        transcript = List.copyOf(transcript);
        dns = List.copyOf(dns);
        listings = List.copyOf(listings);
        Objects.requireNonNull(policy, "policy");
    }

    /** What is kept of a run that failed inside mxdoctor: that it failed (a bug, not a finding), not the trace. */
    public static Report failed(String command, String query, Instant started, String why) {
        return new Report(command, query, query, "", started, 0, new Verdict(Verdict.Status.INCONCLUSIVE,
                "mxdoctor failed internally (" + why + ")"), List.of(), List.of(), List.of(), List.of(), List.of());
    }

    /** A check configuration does not allow: nothing was asked of anyone; the verdict says which setting allows it. */
    public static Report refused(String command, String query, Instant started, String why) {
        return new Report(command, query, query, "", started, 0, new Verdict(Verdict.Status.INCONCLUSIVE, why),
                List.of(), List.of(), List.of(), List.of(), List.of());
    }

    public Report withFindings(List<Finding> newFindings) {
        return new Report(command, query, queryDisplay, resolver, started, elapsedMs, verdict, newFindings, mx,
                records, transcript, dns, listings, policy);
    }

    public Report withVerdict(Verdict newVerdict) {
        return new Report(command, query, queryDisplay, resolver, started, elapsedMs, newVerdict, findings, mx,
                records, transcript, dns, listings, policy);
    }

    public Report startedAt(Instant newStarted) {
        return new Report(command, query, queryDisplay, resolver, newStarted, elapsedMs, verdict, findings, mx,
                records, transcript, dns, listings, policy);
    }

    /** One MX host with its addresses and what each address answered on port 25. */
    public record MxEntry(int preference, String host, boolean implicit, long ttl, List<String> addresses,
            List<AddressProbe> probes) {
        public MxEntry {
            addresses = List.copyOf(addresses);
            probes = List.copyOf(probes);
        }

        /** The preference as shown: an implicit MX has none of its own ("-"). */
        public String preferenceText() {
            return implicit ? "-" : String.valueOf(preference);
        }

        /** The host as shown: an implicit MX is the domain's own address, used because it has no MX records. */
        public String hostText() {
            return implicit ? host + " (implicit: the domain's own address)" : host;
        }

        /** The addresses as shown; with none, why: an IP address written as an MX name is not looked up. */
        public String addressesText() {
            if (!addresses.isEmpty()) {
                return String.join(", ", addresses);
            }
            return dev.mxdoctor.command.Names.ipLiteral(host).isPresent() ? "(an IP address as MX name: not used)"
                    : "(no address)";
        }
    }

    /** One DNS record as dig shows it: owner, TTL, type and data. */
    public record RecordLine(String name, long ttl, String type, String data) {}

    /**
     * One line of the dialogue transcript.
     *
     * @param dir C (sent by mxdoctor), S (sent by the server) or I (mxdoctor's own note)
     */
    public record TranscriptLine(String host, String address, long atMs, char dir, String line) {}

    /**
     * What one blocklist said of one address or domain.
     *
     * @param subject the address or domain asked about
     * @param list the list as people know it (zen.spamhaus.org)
     * @param status listed, not-listed, refused (the list would not answer mxdoctor), no-answer (it did not answer
     *     in time), or unreliable (it failed its own test entries, so its answer proves nothing)
     * @param answers the A records it answered (127.0.0.x)
     * @param meaning what the answer means, in words
     * @param reason the list's own TXT reason, when it gives one
     * @param removal where to ask for removal, when listed
     */
    public record Listing(String subject, String list, String status, List<String> answers, String meaning,
            java.util.Optional<String> reason, java.util.Optional<String> removal) {
        public Listing {
            answers = List.copyOf(answers);
        }
    }

    /** One DNS question and how it was answered. */
    public record DnsExchange(long atMs, String question, String status, String server, long rttMs, boolean tcp,
            boolean authoritative, boolean authenticated, int records) {}
}
