package dev.mxdoctor.report;

import com.google.gson.FormattingStyle;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.stream.JsonWriter;
import dev.mxdoctor.diagnosis.AddressProbe;
import dev.mxdoctor.diagnosis.Finding;
import dev.mxdoctor.smtp.SmtpReply;
import java.util.List;

/**
 * The one serialiser of the JSON report (the contract documented in docs/json-report.md): keys may be added, never
 * removed. What {@code --json} prints and what the history stores are the same text, but for indentation; the
 * history reads stored reports back through {@link #read}, never by walking trees by hand.
 */
public final class JsonReport {

    /** Absent values are left out, never written as {@code null}. */
    private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().create();

    private JsonReport() {}

    /** The report as people read it with {@code --json}: indented. */
    public static String render(Report r) {
        return write(tree(r), FormattingStyle.PRETTY);
    }

    /** The report with what changed since the previous run of the same query ({@code changes}), indented. */
    public static String render(Report r, List<String> changes) {
        return write(withChanges(r, changes), FormattingStyle.PRETTY);
    }

    /** As {@link #render(Report, List)} on one line: a watch's output, one JSON object a line. */
    public static String line(Report r, List<String> changes) {
        return write(withChanges(r, changes), FormattingStyle.COMPACT);
    }

    private static JsonObject withChanges(Report r, List<String> changes) {
        JsonObject o = tree(r);
        JsonArray c = new JsonArray();
        changes.forEach(c::add);
        o.add("changes", c);
        return o;
    }

    /** The report on one line, as the history stores it. */
    public static String compact(Report r) {
        return write(tree(r), FormattingStyle.COMPACT);
    }

    /**
     * Reads JSON written by this class (today or by an older version) into {@code type}, a record whose components
     * name the keys wanted: unknown keys are ignored, absent ones are null.
     *
     * @throws IllegalArgumentException when the text is not JSON of that shape
     */
    public static <T> T read(String json, Class<T> type) {
        try {
            T value = GSON.fromJson(json, type);
            if (value == null) {
                throw new IllegalArgumentException("empty JSON");
            }
            return value;
        } catch (JsonParseException e) {
            throw new IllegalArgumentException("not a stored report: " + e.getMessage(), e);
        }
    }

    /** A list of strings as JSON (what changed, as the history stores it). */
    public static String strings(List<String> values) {
        return GSON.toJson(values);
    }

    /** Reads {@link #strings}' output back. */
    public static List<String> readStrings(String json) {
        String[] values = read(json, String[].class);
        return List.of(values);
    }

    /** Any JSON tree (the history listing), indented like the report. */
    public static String pretty(JsonElement tree) {
        return write(tree, FormattingStyle.PRETTY);
    }

    private static String write(JsonElement tree, FormattingStyle style) {
        java.io.StringWriter out = new java.io.StringWriter();
        try {
            JsonWriter w = GSON.newJsonWriter(out);
            w.setFormattingStyle(style);
            GSON.toJson(tree, w);
            w.flush();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e); // a StringWriter does not fail
        }
        return out.toString();
    }

    /** The report as a JSON object tree. */
    static JsonObject tree(Report r) {
        JsonObject o = new JsonObject();
        o.addProperty("command", r.command());
        o.addProperty("query", r.query());
        if (!r.queryDisplay().equals(r.query())) {
            o.addProperty("queryDisplay", r.queryDisplay());
        }
        o.addProperty("resolver", r.resolver());
        o.addProperty("started", r.started().toString());
        o.addProperty("elapsedMs", r.elapsedMs());
        JsonObject verdict = new JsonObject();
        verdict.addProperty("status", r.verdict().status().label());
        verdict.addProperty("summary", r.verdict().summary());
        o.add("verdict", verdict);
        JsonArray findings = new JsonArray();
        r.findings().forEach(f -> {
            JsonObject e = finding(f);
            TranscriptRefs.of(f, r.transcript()).ifPresent(i -> e.addProperty("transcriptLine", i));
            findings.add(e);
        });
        o.add("findings", findings);
        JsonArray mx = new JsonArray();
        for (Report.MxEntry m : r.mx()) {
            JsonObject e = new JsonObject();
            e.addProperty("preference", m.preference());
            e.addProperty("host", m.host());
            if (m.implicit()) {
                e.addProperty("implicit", true);
            }
            e.addProperty("ttl", m.ttl());
            JsonArray addresses = new JsonArray();
            m.addresses().forEach(addresses::add);
            e.add("addresses", addresses);
            JsonArray probes = new JsonArray();
            m.probes().forEach(p -> probes.add(probe(p)));
            e.add("probes", probes);
            mx.add(e);
        }
        o.add("mx", mx);
        if (!r.records().isEmpty() || r.command().equals("dns")) {
            JsonArray records = new JsonArray();
            for (Report.RecordLine l : r.records()) {
                JsonObject e = new JsonObject();
                e.addProperty("name", l.name());
                e.addProperty("ttl", l.ttl());
                e.addProperty("type", l.type());
                e.addProperty("data", l.data());
                records.add(e);
            }
            o.add("records", records);
        }
        if (!r.policy().isEmpty()) {
            o.addProperty("policy", r.policy());
        }
        if (!r.listings().isEmpty() || r.command().equals("blocklist")) {
            JsonArray listings = new JsonArray();
            for (Report.Listing l : r.listings()) {
                JsonObject e = new JsonObject();
                e.addProperty("subject", l.subject());
                e.addProperty("list", l.list());
                e.addProperty("status", l.status());
                JsonArray answers = new JsonArray();
                l.answers().forEach(answers::add);
                e.add("answers", answers);
                e.addProperty("meaning", l.meaning());
                l.reason().ifPresent(v -> e.addProperty("reason", v));
                l.removal().ifPresent(v -> e.addProperty("removal", v));
                listings.add(e);
            }
            o.add("listings", listings);
        }
        JsonArray transcript = new JsonArray();
        for (Report.TranscriptLine t : r.transcript()) {
            JsonObject e = new JsonObject();
            e.addProperty("host", t.host());
            e.addProperty("address", t.address());
            e.addProperty("atMs", t.atMs());
            e.addProperty("dir", String.valueOf(t.dir()));
            e.addProperty("line", t.line());
            transcript.add(e);
        }
        o.add("transcript", transcript);
        JsonArray dns = new JsonArray();
        for (Report.DnsExchange x : r.dns()) {
            JsonObject e = new JsonObject();
            e.addProperty("atMs", x.atMs());
            e.addProperty("question", x.question());
            e.addProperty("status", x.status());
            e.addProperty("server", x.server());
            e.addProperty("rttMs", x.rttMs());
            e.addProperty("tcp", x.tcp());
            e.addProperty("aa", x.authoritative());
            e.addProperty("ad", x.authenticated());
            e.addProperty("records", x.records());
            dns.add(e);
        }
        o.add("dns", dns);
        return o;
    }

    private static JsonObject probe(AddressProbe p) {
        JsonObject e = new JsonObject();
        e.addProperty("address", p.address());
        e.addProperty("port", p.port());
        e.addProperty("outcome", p.outcome().label());
        p.failedStage().ifPresent(s -> e.addProperty("stage", s.label()));
        p.failure().ifPresent(f -> e.addProperty("failure", f));
        p.connectMs().ifPresent(ms -> e.addProperty("connectMs", ms));
        p.greetingMs().ifPresent(ms -> e.addProperty("bannerMs", ms));
        p.greeting().ifPresent(r -> e.addProperty("banner", r.oneLine()));
        p.ehlo().ifPresent(r -> e.addProperty(p.heloFallback() ? "helo" : "ehlo", r.oneLine()));
        p.capabilities().ifPresent(c -> {
            JsonArray caps = new JsonArray();
            c.keywords().forEach(caps::add);
            e.add("capabilities", caps);
            e.addProperty("starttls", c.has("STARTTLS") || p.tls().isPresent() || p.tlsFailure().isPresent());
        });
        p.tls().ifPresent(t -> {
            JsonObject tls = new JsonObject();
            tls.addProperty("protocol", t.protocol());
            tls.addProperty("cipher", t.cipher());
            tls.addProperty("subject", t.subject());
            tls.addProperty("issuer", t.issuer());
            JsonArray names = new JsonArray();
            t.names().forEach(names::add);
            tls.add("names", names);
            tls.addProperty("namesHost", t.namesHost());
            tls.addProperty("trusted", t.trusted());
            t.trustProblem().ifPresent(x -> tls.addProperty("trustProblem", x));
            tls.addProperty("notAfter", t.notAfter().toString());
            e.add("tls", tls);
        });
        p.tlsFailure().ifPresent(f -> e.addProperty("tlsFailure", f));
        p.localAddress().ifPresent(a -> e.addProperty("from", a));
        p.mail().ifPresent(r -> e.add("mail", reply(r)));
        p.rcpt().ifPresent(r -> e.add("rcpt", reply(r)));
        p.data().ifPresent(r -> e.add("data", reply(r)));
        p.reverse().ifPresent(r -> {
            JsonArray names = new JsonArray();
            r.names().forEach(names::add);
            e.add("ptr", names);
            e.addProperty("ptrForwardConfirmed", r.forwardConfirmed());
        });
        p.ping().ifPresent(x -> {
            JsonObject ping = new JsonObject();
            ping.addProperty("result", x.result().name().toLowerCase(java.util.Locale.ROOT));
            ping.addProperty("detail", x.detail());
            e.add("ping", ping);
        });
        return e;
    }

    private static JsonObject reply(SmtpReply r) {
        JsonObject e = new JsonObject();
        e.addProperty("code", r.code());
        r.enhanced().ifPresent(x -> e.addProperty("enhanced", x));
        e.addProperty("text", r.oneLine());
        return e;
    }

    private static JsonObject finding(Finding f) {
        JsonObject e = new JsonObject();
        e.addProperty("code", f.code().name());
        e.addProperty("severity", f.severity().label());
        e.addProperty("title", f.title());
        e.addProperty("detail", f.detail());
        e.addProperty("advice", f.advice());
        if (f.host() != null) {
            e.addProperty("host", f.host());
        }
        if (f.address() != null) {
            e.addProperty("address", f.address());
        }
        e.addProperty("stage", f.stage().label());
        if (f.evidence() != null) {
            e.addProperty("evidence", f.evidence());
        }
        JsonArray refs = new JsonArray();
        f.refs().forEach(refs::add);
        e.add("refs", refs);
        return e;
    }
}
