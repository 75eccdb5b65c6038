package dev.mxdoctor.check;

import dev.mxdoctor.command.Request;
import dev.mxdoctor.diagnosis.Finding;
import dev.mxdoctor.diagnosis.FindingCode;
import dev.mxdoctor.diagnosis.MxEvidence;
import dev.mxdoctor.diagnosis.Verdict;
import dev.mxdoctor.dns.DnsClient;
import dev.mxdoctor.report.Report;
import dev.mxdoctor.smtp.SmtpReply;
import dev.mxdoctor.smtp.SmtpSession;
import dev.mxdoctor.smtp.TargetNotAllowedException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;

/**
 * The {@code relaytest} command: the classic open-relay test, done safely. Every address of the domain's MX hosts
 * (or of the named host) is asked, on one connection, to take mail from an external sender for an external
 * recipient in the forms relays are known to mishandle, each attempt ended with RSET at RCPT: DATA is never sent.
 */
public final class RelayTestCheck {

    /** One way of asking a server to relay. */
    record Form(String name, String mailFrom, String rcptTo) {}

    private final MxCheck mx;
    private final DnsClient dns;
    private final Resolvers resolvers;
    private final SmtpSettings smtp;
    private final ExecutorService executor;
    private final Clock clock;
    private final LongSupplier nanoTime;
    private final String from;
    private final String to;

    /**
     * @param from the external sender (MXDOCTOR_RELAYTEST_FROM); {@code to} the external recipient
     *     (MXDOCTOR_RELAYTEST_TO): neither may be in the domain tested
     */
    public RelayTestCheck(DnsClient dns, Resolvers resolvers, int nameServerPort, SmtpSettings smtp,
            ExecutorService executor, Clock clock, LongSupplier nanoTime, String from, String to) {
        this.mx = new MxCheck(dns, resolvers, nameServerPort, Optional.of(smtp), executor, clock, nanoTime);
        this.dns = dns;
        this.resolvers = resolvers;
        this.smtp = smtp;
        this.executor = executor;
        this.clock = clock;
        this.nanoTime = nanoTime;
        this.from = from;
        this.to = to;
    }

    /** The forms tried, in order: plain first, then the address tricks that old relays fall for. */
    static List<Form> forms(String domain, String from, String to) {
        String toUser = to.substring(0, to.lastIndexOf('@'));
        String toDomain = to.substring(to.lastIndexOf('@') + 1);
        return List.of(
                new Form("external sender to external recipient", from, to),
                new Form("the tested domain as sender", "postmaster@" + domain, to),
                new Form("empty sender (a bounce)", "", to),
                new Form("percent hack (user%host@)", from, toUser + "%" + toDomain + "@" + domain),
                new Form("quoted local part (\"user@host\"@)", from, "\"" + to + "\"@" + domain),
                new Form("source route (@host:user@host)", from, "@" + domain + ":" + to),
                new Form("bang path (host!user@)", from, toDomain + "!" + toUser + "@" + domain));
    }

    /** What one address said to each form, or why it could not be asked. */
    private record Outcome(String host, String address, List<Attempt> attempts, Optional<String> failure) {}

    private record Attempt(Form form, SmtpReply mail, Optional<SmtpReply> rcpt) {
        boolean relayed() {
            return mail.isPositive() && rcpt.isPresent() && rcpt.get().isPositive();
        }
    }

    public Report run(Request.RelayTest request, Duration timeout, Progress progress) {
        Instant started = clock.instant();
        long start = nanoTime.getAsLong();
        Deadline deadline = Deadline.after(timeout, nanoTime);
        DnsTrace trace = new DnsTrace(dns, nanoTime, start);
        TranscriptRecorder transcript = new TranscriptRecorder(nanoTime, start);
        String domain = request.target().ascii();
        List<InetSocketAddress> servers;
        try {
            servers = resolvers.servers(request.resolver());
        } catch (Resolvers.Unusable e) {
            return e.report("relaytest", domain, request.target().display(), started);
        }
        progress.update("Looking up the mail hosts of " + request.target().display() + "…");
        MxEvidence evidence = mx.resolve(domain, servers, trace, deadline, progress);
        List<Form> forms = forms(domain, from, to);
        List<Future<Outcome>> running = new ArrayList<>();
        for (MxEvidence.Host h : evidence.hosts()) {
            for (String a : h.addresses()) {
                running.add(executor.submit(() -> ask(h.name(), a, forms, transcript, deadline)));
            }
        }
        progress.update("Asking " + running.size() + " addresses to relay…");
        List<Outcome> outcomes = new ArrayList<>();
        for (Future<Outcome> f : running) {
            try {
                outcomes.add(f.get());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (java.util.concurrent.ExecutionException e) {
                outcomes.add(new Outcome("?", "?", List.of(), Optional.of("mxdoctor failed: " + e.getCause())));
            }
        }
        List<Finding> findings = new ArrayList<>();
        for (Outcome o : outcomes) {
            for (Attempt a : o.attempts()) {
                if (a.relayed()) {
                    findings.add(Finding.of(FindingCode.OPEN_RELAY, Finding.Stage.RCPT, o.host(), o.host() + " ["
                            + o.address() + "] accepted mail for <" + a.form().rcptTo() + "> from <"
                            + a.form().mailFrom() + "> (" + a.form().name() + "): " + a.rcpt().orElseThrow().oneLine()
                            + ". Neither address is in " + domain + ": anyone can send through it.")
                            .withAddress(o.address()).withEvidence(a.rcpt().orElseThrow().oneLine()));
                }
            }
        }
        Verdict verdict = verdict(request.target().display(), evidence, outcomes, forms.size());
        return new Report("relaytest", domain, request.target().display(), Resolvers.describe(servers), started,
                (nanoTime.getAsLong() - start) / 1_000_000, verdict, findings, MxCheck.table(evidence), List.of(),
                transcript.lines(), trace.exchanges());
    }

    /** One connection: greeting, EHLO (and STARTTLS when offered, as a relaying MTA would), every form, QUIT. */
    private Outcome ask(String host, String address, List<Form> forms, TranscriptRecorder transcript,
            Deadline deadline) {
        InetAddress ip;
        try {
            ip = InetAddress.getByName(address); // an address literal: no look-up
        } catch (IOException e) {
            return new Outcome(host, address, List.of(), Optional.of("not an address"));
        }
        InetSocketAddress target = new InetSocketAddress(ip, smtp.port());
        var listener = transcript.listener(host, address);
        List<Attempt> attempts = new ArrayList<>();
        SmtpSession session;
        try {
            session = SmtpSession.connect(smtp.dialer(), target, deadline.cap(smtp.timeouts().connect()), listener,
                    nanoTime);
        } catch (TargetNotAllowedException e) {
            listener.note("not asked: " + e.getMessage());
            return new Outcome(host, address, attempts, Optional.of(e.getMessage()));
        } catch (IOException e) {
            String why = Dialogue.ConnectFailure.of(e, target, deadline.cap(smtp.timeouts().connect())).why();
            listener.note(why);
            return new Outcome(host, address, attempts, Optional.of(why));
        }
        try {
            SmtpReply greeting = session.readReply(deadline.cap(smtp.timeouts().greeting()));
            if (!greeting.isPositive()) {
                return new Outcome(host, address, attempts, Optional.of("refused service: " + greeting.oneLine()));
            }
            SmtpReply ehlo = session.command("EHLO " + smtp.helo(), deadline.cap(smtp.timeouts().command()));
            if (!ehlo.isPositive()) {
                ehlo = session.command("HELO " + smtp.helo(), deadline.cap(smtp.timeouts().command()));
            }
            if (ehlo.isPositive() && dev.mxdoctor.smtp.Capabilities.parse(ehlo).has("STARTTLS")) {
                SmtpReply ready = session.command("STARTTLS", deadline.cap(smtp.timeouts().command()));
                if (ready.code() == 220) {
                    session.startTls(smtp.tls(), host, deadline.cap(smtp.timeouts().command()));
                    session.command("EHLO " + smtp.helo(), deadline.cap(smtp.timeouts().command()));
                }
            }
            for (Form f : forms) {
                SmtpReply mail = session.command("MAIL FROM:<" + f.mailFrom() + ">",
                        deadline.cap(smtp.timeouts().command()));
                Optional<SmtpReply> rcpt = Optional.empty();
                if (mail.isPositive()) {
                    rcpt = Optional.of(session.command("RCPT TO:<" + f.rcptTo() + ">",
                            deadline.cap(smtp.timeouts().command())));
                }
                attempts.add(new Attempt(f, mail, rcpt));
                // Never DATA: the attempt ends here, whatever the server said.
                session.command("RSET", deadline.cap(smtp.timeouts().command()));
            }
            session.command("QUIT", deadline.cap(smtp.timeouts().command()));
            return new Outcome(host, address, attempts, Optional.empty());
        } catch (IOException | RuntimeException e) {
            String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            listener.note("ended: " + why);
            return new Outcome(host, address, attempts, attempts.size() == forms.size() ? Optional.empty()
                    : Optional.of(why));
        } finally {
            session.close();
        }
    }


    static Verdict verdict(String target, MxEvidence evidence, List<Outcome> outcomes, int forms) {
        List<Outcome> relaying = outcomes.stream().filter(o -> o.attempts().stream().anyMatch(Attempt::relayed))
                .toList();
        if (!relaying.isEmpty()) {
            String which = relaying.stream().map(o -> o.host() + " [" + o.address() + "] ("
                    + o.attempts().stream().filter(Attempt::relayed).map(a -> a.form().name())
                    .collect(Collectors.joining(", ")) + ")").collect(Collectors.joining("; "));
            return new Verdict(Verdict.Status.FAILING, "Open relay: " + which + " accepted mail from an outside "
                    + "sender for an outside recipient. Spammers find open relays within hours; then the host's "
                    + "address is blocklisted and its own mail refused.");
        }
        if (evidence.hosts().isEmpty() || outcomes.isEmpty()) {
            return new Verdict(Verdict.Status.INCONCLUSIVE, target + " has no mail host with an address to ask.");
        }
        List<Outcome> asked = outcomes.stream().filter(o -> o.failure().isEmpty()).toList();
        String failed = outcomes.stream().filter(o -> o.failure().isPresent())
                .map(o -> o.host() + " [" + o.address() + "]: " + o.failure().get()).collect(Collectors.joining("; "));
        if (asked.isEmpty()) {
            return new Verdict(Verdict.Status.INCONCLUSIVE, "No mail host of " + target + " could be asked: " + failed
                    + ".");
        }
        boolean deferred = asked.stream().flatMap(o -> o.attempts().stream()).anyMatch(a -> a.rcpt().map(r ->
                r.code() / 100 == 4).orElse(a.mail().code() / 100 == 4));
        String refused = "Not an open relay: " + asked.size() + (asked.size() == 1 ? " address" : " addresses")
                + " refused all " + forms + " relay attempts (DATA was never sent)";
        if (!failed.isEmpty()) {
            return new Verdict(Verdict.Status.INCONCLUSIVE, refused + ", but " + failed + ".");
        }
        return new Verdict(Verdict.Status.OK, refused + (deferred ? "; some only temporarily (4xx), which a spammer "
                + "retries" : "") + ".");
    }
}
