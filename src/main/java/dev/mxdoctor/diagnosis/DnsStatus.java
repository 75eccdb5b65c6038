package dev.mxdoctor.diagnosis;

import java.util.Objects;

/**
 * The outcome of one DNS look-up as plain data for the rules.
 *
 * @param detail what was seen, for people: "SERVFAIL from 192.0.2.53", "no answer after 3 tries"
 */
public record DnsStatus(Outcome outcome, String detail) {

    /** The kinds of DNS outcome the rules tell apart. */
    public enum Outcome {
        ANSWER,
        NODATA,
        NXDOMAIN,
        SERVFAIL,
        REFUSED,
        REFERRAL,
        TIMEOUT,
        ERROR;

        /** Whether the name's state is known (an answer or an authoritative negative). */
        public boolean isDefinite() {
            return this == ANSWER || this == NODATA || this == NXDOMAIN;
        }
    }

    public DnsStatus {
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(detail, "detail");
    }

    public static DnsStatus answer(String detail) {
        return new DnsStatus(Outcome.ANSWER, detail);
    }

    public boolean isAnswer() {
        return outcome == Outcome.ANSWER;
    }
}
