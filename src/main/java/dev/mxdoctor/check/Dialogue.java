package dev.mxdoctor.check;

import dev.mxdoctor.diagnosis.AddressProbe.Outcome;
import dev.mxdoctor.diagnosis.AddressProbe.Ping;
import dev.mxdoctor.diagnosis.AddressProbe;
import dev.mxdoctor.diagnosis.Finding.Stage;
import dev.mxdoctor.dns.Addresses;
import dev.mxdoctor.smtp.Capabilities;
import dev.mxdoctor.smtp.Dialer;
import dev.mxdoctor.smtp.Pinger;
import dev.mxdoctor.smtp.SmtpListener;
import dev.mxdoctor.smtp.SmtpProtocolException;
import dev.mxdoctor.smtp.SmtpReply;
import dev.mxdoctor.smtp.SmtpSession;
import dev.mxdoctor.smtp.TargetNotAllowedException;
import dev.mxdoctor.smtp.Timeouts;
import dev.mxdoctor.smtp.TlsFacts;
import dev.mxdoctor.smtp.TlsSettings;
import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.LongSupplier;

/**
 * Holds the dialogue a sending MTA would hold with one address: greeting, EHLO (HELO if refused), STARTTLS and
 * EHLO again, then either QUIT (a probe) or MAIL FROM, RCPT TO, optionally DATA, RSET and QUIT (an envelope test).
 * Every failure becomes part of the {@link AddressProbe}; nothing is thrown.
 */
final class Dialogue {

    private final Dialer dialer;
    private final TlsSettings tls;
    private final Timeouts timeouts;
    private final String heloName;
    private final Pinger pinger;
    private final LongSupplier nanoTime;

    Dialogue(Dialer dialer, TlsSettings tls, Timeouts timeouts, String heloName, Pinger pinger,
            LongSupplier nanoTime) {
        this.dialer = dialer;
        this.tls = tls;
        this.timeouts = timeouts;
        this.heloName = heloName;
        this.pinger = pinger;
        this.nanoTime = nanoTime;
    }

    /** Runs the dialogue; {@code envelope} empty for a probe that stops after STARTTLS. */
    AddressProbe run(String host, InetSocketAddress address, Optional<Envelope> envelope, SmtpListener listener,
            Deadline deadline) {
        State s = new State(host, address);
        attempt(s, true, envelope, listener, deadline);
        if (s.tlsFailure.isPresent() && envelope.isPresent() && s.outcome == Outcome.OK && s.rcpt.isEmpty()) {
            // A sending MTA whose STARTTLS fails tries again in clear text; so does mxdoctor.
            listener.note("STARTTLS failed; reconnecting without TLS, as sending MTAs do");
            attempt(s, false, envelope, listener, deadline);
        }
        if (s.outcome.unreachable()) {
            s.ping = Optional.of(pinger.ping(address.getAddress(), Duration.ofSeconds(2)));
            listener.note("ping " + Addresses.text(address.getAddress()) + ": " + s.ping.get().detail());
        }
        return s.toProbe();
    }

    private void attempt(State s, boolean useTls, Optional<Envelope> envelope, SmtpListener listener,
            Deadline deadline) {
        s.stage = Stage.CONNECT;
        long start = nanoTime.getAsLong();
        SmtpSession session;
        try {
            session = SmtpSession.connect(dialer, s.address, min(timeouts.connect(), deadline), listener, nanoTime);
        } catch (TargetNotAllowedException e) {
            s.fail(Outcome.NOT_ALLOWED, Stage.CONNECT, e.getMessage());
            listener.note("not probed: " + e.getMessage());
            return;
        } catch (IOException e) {
            if (e instanceof SocketTimeoutException && deadlineCame(deadline)) {
                cutByDeadline(s, Stage.CONNECT, listener);
                return;
            }
            ConnectFailure f = ConnectFailure.of(e, s.address, min(timeouts.connect(), deadline));
            s.fail(f.outcome(), Stage.CONNECT, f.why());
            listener.note(f.why());
            return;
        }
        s.connectMs = OptionalLong.of((nanoTime.getAsLong() - start) / 1_000_000);
        s.localAddress = Optional.of(session.localAddress());
        try {
            s.stage = Stage.GREETING;
            long connected = nanoTime.getAsLong();
            SmtpReply greeting = session.readReply(min(timeouts.greeting(), deadline));
            s.greetingMs = OptionalLong.of((nanoTime.getAsLong() - connected) / 1_000_000);
            s.greeting = Optional.of(greeting);
            if (greeting.code() != 220) {
                s.fail(Outcome.UNAVAILABLE, Stage.GREETING, greeting.oneLine());
                quit(session, deadline);
                return;
            }
            s.stage = Stage.EHLO;
            SmtpReply ehlo = session.command("EHLO " + heloName, min(timeouts.command(), deadline));
            s.ehlo = Optional.of(ehlo);
            if (ehlo.isPermanent()) {
                SmtpReply helo = session.command("HELO " + heloName, min(timeouts.command(), deadline));
                s.heloFallback = true;
                s.ehlo = Optional.of(helo);
                if (!helo.isPositive()) {
                    s.fail(Outcome.UNAVAILABLE, Stage.EHLO, helo.oneLine());
                    quit(session, deadline);
                    return;
                }
                s.capabilities = Optional.of(Capabilities.heloOnly(helo.text()));
            } else if (!ehlo.isPositive()) {
                s.fail(Outcome.UNAVAILABLE, Stage.EHLO, ehlo.oneLine());
                quit(session, deadline);
                return;
            } else {
                s.capabilities = Optional.of(Capabilities.parse(ehlo));
            }
            if (useTls && s.capabilities.get().has("STARTTLS")) {
                s.stage = Stage.STARTTLS;
                SmtpReply ready = session.command("STARTTLS", min(timeouts.command(), deadline));
                if (ready.code() != 220) {
                    s.tlsFailure = Optional.of("STARTTLS refused: " + ready.oneLine());
                } else if (!handshake(s, session, listener, ready, deadline)) {
                    return; // the connection is unusable after a failed handshake
                } else {
                    s.stage = Stage.EHLO;
                    SmtpReply again = session.command("EHLO " + heloName, min(timeouts.command(), deadline));
                    if (again.isPositive()) {
                        s.capabilities = Optional.of(Capabilities.parse(again));
                    }
                }
            }
            if (envelope.isPresent()) {
                envelope(s, session, envelope.get(), deadline);
            }
            quit(session, deadline);
        } catch (IOException e) {
            failMidDialogue(s, s.stage, e, listener, deadline);
        } finally {
            session.close();
        }
    }

    private boolean handshake(State s, SmtpSession session, SmtpListener listener, SmtpReply ready,
            Deadline deadline) {
        try {
            TlsFacts facts = session.startTls(tls, s.host, min(timeouts.command(), deadline));
            s.tls = Optional.of(facts);
            return true;
        } catch (IOException e) { // SSLException for the handshake itself, others for the transport under it
            // Which step broke is half the diagnosis: the server had just said it was ready.
            s.tlsFailure = Optional.of("after \"" + ready.oneLine() + "\": " + describe(e));
            listener.note("TLS handshake failed: " + describe(e));
            return false;
        }
    }

    private void envelope(State s, SmtpSession session, Envelope env, Deadline deadline) throws IOException {
        s.stage = Stage.MAIL;
        SmtpReply mail = session.command("MAIL FROM:<" + env.mailFrom() + ">", min(timeouts.command(), deadline));
        s.mail = Optional.of(mail);
        if (!mail.isPositive()) {
            return;
        }
        s.stage = Stage.RCPT;
        SmtpReply rcpt = session.command("RCPT TO:<" + env.rcptTo() + ">", min(timeouts.command(), deadline));
        s.rcpt = Optional.of(rcpt);
        if (rcpt.isPositive() && env.message().isPresent()) {
            s.stage = Stage.DATA;
            SmtpReply go = session.command("DATA", min(timeouts.command(), deadline));
            if (go.code() == 354) {
                session.sendData(env.message().get(), "sending the test message ("
                        + env.message().get().length + " bytes)");
                s.data = Optional.of(session.readReply(min(timeouts.dataEnd(), deadline)));
                return;
            }
            s.data = Optional.of(go);
        }
        polite(session, "RSET", deadline);
    }

    private void quit(SmtpSession session, Deadline deadline) {
        polite(session, "QUIT", deadline);
    }

    /** RSET and QUIT: their answers change nothing, and a server that hangs up first is not failing. */
    private static void polite(SmtpSession session, String command, Deadline deadline) {
        try {
            session.command(command, min(Duration.ofSeconds(5), deadline));
        } catch (IOException e) {
            // nothing to diagnose here
        }
    }

    /**
     * Whether a wait that timed out was cut by the run's deadline rather than by the stage's own timeout: then it says
     * nothing about the server.
     */
    private static boolean deadlineCame(Deadline deadline) {
        return deadline.remaining().toMillis() < DEADLINE_SLACK_MILLIS;
    }

    /** A timeout this close to the run's deadline is the deadline's. */
    private static final long DEADLINE_SLACK_MILLIS = 50;

    private static void cutByDeadline(State s, Stage stage, SmtpListener listener) {
        s.fail(Outcome.DEADLINE, stage, "the run's deadline came");
        listener.note("the run's deadline came before the " + stage.label() + " stage finished");
    }

    private static void failMidDialogue(State s, Stage stage, IOException e, SmtpListener listener,
            Deadline deadline) {
        if (e instanceof SocketTimeoutException && deadlineCame(deadline)) {
            cutByDeadline(s, stage, listener);
        } else if (e instanceof SocketTimeoutException) {
            Outcome o = stage == Stage.GREETING ? Outcome.BANNER_TIMEOUT : Outcome.REPLY_TIMEOUT;
            s.fail(o, stage, stage == Stage.GREETING ? "no greeting in time" : "no reply in time");
            listener.note("timed out waiting for the " + (stage == Stage.GREETING ? "greeting" : "reply"));
        } else if (e instanceof SmtpProtocolException) {
            String why = String.valueOf(e.getMessage()); // SmtpProtocolException's message is never null
            s.fail(Outcome.PROTOCOL_ERROR, stage, why);
            listener.note("protocol error: " + why);
        } else if (e instanceof EOFException) {
            s.fail(Outcome.DISCONNECTED, stage, "the server closed the connection");
            listener.note("the server closed the connection");
        } else {
            s.fail(Outcome.DISCONNECTED, stage, describe(e));
            listener.note("connection lost: " + describe(e));
        }
    }

    /** How a connection attempt failed, in the outcome's terms and in words. */
    record ConnectFailure(Outcome outcome, String why) {

        /**
         * Classifies a failed connect. "Network is unreachable" comes as a ConnectException too, but it is this
         * machine having no route (typically no IPv6), not the host refusing: it must not read as "refused". Pure.
         */
        static ConnectFailure of(IOException e, InetSocketAddress address, Duration timeout) {
            String message = String.valueOf(e.getMessage()).toLowerCase(java.util.Locale.ROOT);
            if (e instanceof SocketTimeoutException) {
                return new ConnectFailure(Outcome.TIMEOUT, "no answer to the connection attempt in " + seconds(timeout));
            }
            if (message.contains("network is unreachable") || message.contains("cannot assign requested address")
                    || message.contains("protocol family unavailable") || message.contains("address family not")) {
                String family = address.getAddress() instanceof java.net.Inet6Address ? "IPv6 " : "";
                return new ConnectFailure(Outcome.NO_ROUTE_HERE, "not probed: this machine has no " + family
                        + "route to " + Addresses.text(address.getAddress()));
            }
            if (e instanceof NoRouteToHostException || message.contains("no route to host")) {
                return new ConnectFailure(Outcome.UNREACHABLE, "no route to host");
            }
            if (message.contains("reset")) {
                // A reset while the connection is being set up is the peer refusing, as a closed port does.
                return new ConnectFailure(Outcome.REFUSED, "connection reset while connecting");
            }
            if (e instanceof ConnectException) {
                return new ConnectFailure(Outcome.REFUSED, "connection refused");
            }
            return new ConnectFailure(Outcome.UNREACHABLE, describe(e));
        }
    }

    private static Duration min(Duration stage, Deadline deadline) {
        Duration remaining = deadline.remaining();
        return remaining.compareTo(stage) < 0 ? remaining : stage;
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    private static String describe(Throwable e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }

    /** What the dialogue has seen so far. */
    private static final class State {
        final String host;
        final InetSocketAddress address;
        Outcome outcome = Outcome.OK;
        Stage stage = Stage.CONNECT;
        Optional<Stage> failedStage = Optional.empty();
        Optional<String> failure = Optional.empty();
        OptionalLong connectMs = OptionalLong.empty();
        OptionalLong greetingMs = OptionalLong.empty();
        Optional<SmtpReply> greeting = Optional.empty();
        Optional<SmtpReply> ehlo = Optional.empty();
        boolean heloFallback;
        Optional<Capabilities> capabilities = Optional.empty();
        Optional<TlsFacts> tls = Optional.empty();
        Optional<String> tlsFailure = Optional.empty();
        Optional<SmtpReply> mail = Optional.empty();
        Optional<SmtpReply> rcpt = Optional.empty();
        Optional<SmtpReply> data = Optional.empty();
        Optional<Ping> ping = Optional.empty();
        Optional<String> localAddress = Optional.empty();

        State(String host, InetSocketAddress address) {
            this.host = host;
            this.address = address;
        }

        void fail(Outcome o, Stage stage, String why) {
            outcome = o;
            failedStage = Optional.of(stage);
            failure = Optional.of(why);
        }

        AddressProbe toProbe() {
            return new AddressProbe(host, Addresses.text(address.getAddress()), address.getPort(), outcome,
                    failedStage, failure, connectMs, greetingMs, greeting, ehlo, heloFallback, capabilities, tls,
                    tlsFailure, mail, rcpt, data, ping, Optional.empty(), localAddress);
        }
    }
}
