package dev.mxdoctor.report;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.mxdoctor.diagnosis.AddressProbe;
import dev.mxdoctor.diagnosis.Finding;
import dev.mxdoctor.smtp.SmtpReply;

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
