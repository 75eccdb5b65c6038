package dev.mxdoctor.diagnosis;

import dev.mxdoctor.smtp.Capabilities;
import dev.mxdoctor.smtp.SmtpReply;
import dev.mxdoctor.smtp.TlsFacts;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What happened on one address of one mail host: how far the dialogue got, each reply, the timings, and TLS.
 *
 * @param outcome how the dialogue ended as a whole
 * @param failure what went wrong at {@code failedStage}, in words ("connection refused", "no reply in 30 s")
 * @param greetingMs time from the connection to the complete greeting
 * @param heloFallback EHLO was refused, HELO was used
 * @param tls the TLS session after STARTTLS, when it succeeded
 * @param tlsFailure why STARTTLS failed, when it did
 * @param ping what an ICMP echo said, asked only when port 25 did not answer
 * @param reverse the address's PTR names and whether they resolve back to it
 * @param localAddress the address mxdoctor connected from: what the server saw, and what a blocklist would list
 */
public record AddressProbe(
        String host,
        String address,
        int port,
        Outcome outcome,
        Optional<Finding.Stage> failedStage,
        Optional<String> failure,
        OptionalLong connectMs,
        OptionalLong greetingMs,
        Optional<SmtpReply> greeting,
        Optional<SmtpReply> ehlo,
        boolean heloFallback,
        Optional<Capabilities> capabilities,
        Optional<TlsFacts> tls,
        Optional<String> tlsFailure,
        Optional<SmtpReply> mail,
        Optional<SmtpReply> rcpt,
        Optional<SmtpReply> data,
        Optional<Ping> ping,
        Optional<ReverseDns> reverse,
        Optional<String> localAddress) {

    public AddressProbe {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(outcome, "outcome");
    }

    /** How a dialogue ended. The label is the JSON report's {@code outcome}. */
    public enum Outcome {
        OK("ok"),
        REFUSED("refused"),
        TIMEOUT("timeout"),
        UNREACHABLE("unreachable"),
        NOT_ALLOWED("not-allowed"),
        /** This machine has no route to the address family (no IPv6 here): says nothing about the host. */
        NO_ROUTE_HERE("no-route-here"),
        BANNER_TIMEOUT("banner-timeout"),
        UNAVAILABLE("unavailable"),
        PROTOCOL_ERROR("protocol-error"),
        DISCONNECTED("disconnected"),
        REPLY_TIMEOUT("reply-timeout"),
        /** mxdoctor failed internally while probing it: says nothing about the host. */
        NOT_PROBED("not-probed"),
        /** The run's own deadline (--timeout) came before the dialogue finished: says nothing about the host. */
        DEADLINE("deadline");

        private final String label;

        Outcome(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }

        /** Whether the address was not really tried (refused by policy, or no route from here). */
        public boolean notTried() {
            return this == NOT_ALLOWED || this == NO_ROUTE_HERE || this == NOT_PROBED || this == DEADLINE;
        }

        /** Whether the address could not be reached at all (nothing SMTP happened). */
        public boolean unreachable() {
            return this == REFUSED || this == TIMEOUT || this == UNREACHABLE;
        }
    }

    /** An ICMP echo's answer. */
    public record Ping(Result result, String detail) {
        public enum Result {
            REPLY,
            NO_REPLY,
            UNAVAILABLE
        }
    }

    /** The address's reverse DNS, as found while it was probed. */
    public record ReverseDns(DnsStatus lookup, List<String> names, boolean forwardConfirmed) {
        public ReverseDns {
            names = List.copyOf(names);
        }
    }

    /** An address mxdoctor could not probe because of its own failure ({@code why} names the error id). */
    public static AddressProbe notProbed(String host, String address, int port, String why) {
        return new AddressProbe(host, address, port, Outcome.NOT_PROBED, Optional.of(Finding.Stage.CONNECT),
                Optional.of(why), OptionalLong.empty(), OptionalLong.empty(), Optional.empty(), Optional.empty(), false,
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
    }

    /** The same result, for another MX name that points at the same address. */
    public AddressProbe withHost(String otherHost) {
        return new AddressProbe(otherHost, address, port, outcome, failedStage, failure, connectMs, greetingMs,
                greeting, ehlo, heloFallback, capabilities, tls, tlsFailure, mail, rcpt, data, ping, reverse,
                localAddress);
    }

    public AddressProbe withReverse(ReverseDns r) {
        return new AddressProbe(host, address, port, outcome, failedStage, failure, connectMs, greetingMs, greeting,
                ehlo, heloFallback, capabilities, tls, tlsFailure, mail, rcpt, data, ping, Optional.of(r), localAddress);
    }

    /** Whether mail could be handed to this address: it greeted with 220 and answered EHLO or HELO. */
    public boolean speaksSmtp() {
        return outcome == Outcome.OK;
    }

    /** Whether this address is unusable for delivery right now (unreachable, refused service or broken). */
    public boolean unusable() {
        return outcome != Outcome.OK;
    }
}
