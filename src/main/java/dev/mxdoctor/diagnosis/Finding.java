package dev.mxdoctor.diagnosis;

import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One diagnosed fact: a catalogue code plus the evidence that produced it (host, address, stage and the exact
 * record or reply) and the advice for this case.
 *
 * @param host the host name the finding is about, or null when it concerns the domain as a whole
 * @param address the IP address, or null
 * @param stage where it was seen: DNS, connect, greeting, EHLO, STARTTLS, MAIL, RCPT, DATA
 * @param evidence the exact record or reply line that caused it, or null
 */
public record Finding(
        FindingCode code,
        Severity severity,
        String title,
        String detail,
        String advice,
        @Nullable String host,
        @Nullable String address,
        Stage stage,
        @Nullable String evidence,
        List<String> refs) {

    /** Where in the run a finding was made. */
    public enum Stage {
        DNS,
        CONNECT,
        GREETING,
        EHLO,
        STARTTLS,
        MAIL,
        RCPT,
        DATA,
        POLICY;

        public String label() {
            return name().equals("DNS") || name().equals("EHLO") || name().equals("STARTTLS")
                    ? name()
                    : name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public Finding {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(detail, "detail");
        Objects.requireNonNull(advice, "advice");
        Objects.requireNonNull(stage, "stage");
        refs = List.copyOf(refs);
    }

    /** A finding with the catalogue's severity, title, advice and references. */
    public static Finding of(FindingCode code, Stage stage, @Nullable String host, String detail) {
        return new Finding(code, code.severity(), code.title(), detail, code.advice(), host, null, stage, null,
                code.refs());
    }

    public Finding withSeverity(Severity newSeverity) {
        return new Finding(code, newSeverity, title, detail, advice, host, address, stage, evidence, refs);
    }

    public Finding withAddress(@Nullable String newAddress) {
        return new Finding(code, severity, title, detail, advice, host, newAddress, stage, evidence, refs);
    }

    public Finding withEvidence(@Nullable String newEvidence) {
        return new Finding(code, severity, title, detail, advice, host, address, stage, newEvidence, refs);
    }

    public Finding withDetail(String newDetail) {
        return new Finding(code, severity, title, newDetail, advice, host, address, stage, evidence, refs);
    }

    public Finding withAdvice(String newAdvice) {
        return new Finding(code, severity, title, detail, newAdvice, host, address, stage, evidence, refs);
    }
}
