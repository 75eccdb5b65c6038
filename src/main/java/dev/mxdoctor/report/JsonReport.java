package dev.mxdoctor.report;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.mxdoctor.diagnosis.Finding;

/** Writes a {@link Report} as the contract's JSON report (ARCHITECTURE.md): keys may be added, never removed. */
public final class JsonReport {

    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create();

    private JsonReport() {}

    public static String render(Report r) {
        return GSON.toJson(tree(r));
    }

    /** The report as a JSON object tree. */
    public static JsonObject tree(Report r) {
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
        r.findings().forEach(f -> findings.add(finding(f)));
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
            e.add("probes", new JsonArray());
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

    private static JsonObject finding(Finding f) {
        JsonObject e = new JsonObject();
        e.addProperty("code", f.code().name());
        e.addProperty("severity", f.severity().label());
        e.addProperty("title", f.title());
        e.addProperty("detail", f.detail());
        e.addProperty("advice", f.advice());
        e.addProperty("host", f.host());
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
