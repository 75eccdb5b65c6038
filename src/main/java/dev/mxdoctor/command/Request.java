package dev.mxdoctor.command;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** What a person asked for, parsed and validated; the same for Slack and the command line. */
public sealed interface Request {

    /** The name of the command, as typed: "mx", "dns", "help". */
    String command();

    /** The query as it belongs in a report's {@code query} field. */
    String query();

    /** {@code mx <domain> [@resolver]}. */
    record Mx(DomainName domain, Optional<HostPort> resolver) implements Request {
        public Mx {
            Objects.requireNonNull(domain, "domain");
            Objects.requireNonNull(resolver, "resolver");
        }

        @Override
        public String command() {
            return "mx";
        }

        @Override
        public String query() {
            return domain.ascii();
        }
    }

    /**
     * {@code dns <name> [type] [@resolver]}; for an IP address, {@code name} is its reverse name and
     * {@code address} the address as given.
     */
    record Dns(DomainName name, QueryType type, Optional<String> address, Optional<HostPort> resolver)
            implements Request {
        public Dns {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(address, "address");
            Objects.requireNonNull(resolver, "resolver");
        }

        @Override
        public String command() {
            return "dns";
        }

        @Override
        public String query() {
            return address.orElse(name.ascii());
        }
    }

    /**
     * {@code smtptest <address> [from <address>] [via <host>[:port]] [@resolver] [--send]}.
     *
     * @param via talk to this host instead of the recipient domain's MX hosts
     * @param send go on to DATA with a test message (only where configuration allows it)
     */
    record SmtpTest(MailAddress recipient, Optional<MailAddress> from, Optional<HostPort> via,
            Optional<HostPort> resolver, boolean send) implements Request {
        public SmtpTest {
            Objects.requireNonNull(recipient, "recipient");
            Objects.requireNonNull(from, "from");
            Objects.requireNonNull(via, "via");
            Objects.requireNonNull(resolver, "resolver");
        }

        @Override
        public String command() {
            return "smtptest";
        }

        @Override
        public String query() {
            return recipient.ascii();
        }
    }

    /**
     * {@code blocklist [ip | domain] [@resolver]}: DNS blocklist look-ups for an address, for every MX address of a
     * domain (and the domain in the domain lists), or with neither for the configured sender addresses.
     */
    record Blocklist(Optional<String> address, Optional<DomainName> domain, Optional<HostPort> resolver)
            implements Request {
        public Blocklist {
            Objects.requireNonNull(address, "address");
            Objects.requireNonNull(domain, "domain");
            Objects.requireNonNull(resolver, "resolver");
        }

        @Override
        public String command() {
            return "blocklist";
        }

        /** The address, the domain, or "senders" for the configured sender addresses. */
        @Override
        public String query() {
            return address.orElse(domain.map(DomainName::ascii).orElse("senders"));
        }
    }

    /**
     * {@code auth <domain> [dkim-selector …] [ip <address>] [@resolver]}: the domain's sender authentication and
     * transport policy records (SPF, DMARC, DKIM, MTA-STS, TLS-RPT) checked as receivers read them; with {@code ip},
     * also the SPF result for mail from that address.
     */
    record Auth(DomainName domain, List<String> selectors, Optional<String> ip, Optional<HostPort> resolver)
            implements Request {
        public Auth {
            Objects.requireNonNull(domain, "domain");
            selectors = List.copyOf(selectors);
            Objects.requireNonNull(ip, "ip");
            Objects.requireNonNull(resolver, "resolver");
        }

        @Override
        public String command() {
            return "auth";
        }

        @Override
        public String query() {
            return domain.ascii();
        }
    }

    /** {@code relaytest <host | domain> [@resolver]}: the open-relay test, stopping at RCPT, never DATA. */
    record RelayTest(DomainName target, Optional<HostPort> resolver) implements Request {
        public RelayTest {
            Objects.requireNonNull(target, "target");
            Objects.requireNonNull(resolver, "resolver");
        }

        @Override
        public String command() {
            return "relaytest";
        }

        @Override
        public String query() {
            return target.ascii();
        }
    }

    /**
     * {@code history [domain] [--limit N] [--code CODE]}: the latest runs, for one domain or a finding code.
     */
    record History(Optional<DomainName> domain, Optional<String> code, int limit) implements Request {
        public History {
            Objects.requireNonNull(domain, "domain");
            Objects.requireNonNull(code, "code");
        }

        @Override
        public String command() {
            return "history";
        }

        @Override
        public String query() {
            return domain.map(DomainName::ascii).orElse("");
        }
    }

    /**
     * {@code watch <check> [every <duration>] [for <duration>] [until ok]}: the check again on a schedule, telling
     * only what changes.
     *
     * @param check the check to repeat (mx, smtptest, dns, blocklist, auth or relaytest), with its own flags
     * @param checkLine the check's words as typed, without the watch's own: what is stored and shown
     * @param every the interval, when given (the configured default otherwise)
     * @param duration how long to watch, when given (the configured default otherwise)
     * @param untilOk end once the verdict is OK
     */
    record Watch(Invocation check, String checkLine, Optional<Duration> every, Optional<Duration> duration,
            boolean untilOk) implements Request {
        public Watch {
            Objects.requireNonNull(check, "check");
            Objects.requireNonNull(checkLine, "checkLine");
            Objects.requireNonNull(every, "every");
            Objects.requireNonNull(duration, "duration");
        }

        @Override
        public String command() {
            return "watch";
        }

        @Override
        public String query() {
            return check.request().query();
        }
    }

    /** {@code watch list [mine]}: the watches running (in this conversation, or the asker's own). */
    record WatchList(boolean mine) implements Request {
        @Override
        public String command() {
            return "watch";
        }

        @Override
        public String query() {
            return mine ? "list mine" : "list";
        }
    }

    /** {@code watch stop <id>}. */
    record WatchStop(String id) implements Request {
        public WatchStop {
            Objects.requireNonNull(id, "id");
        }

        @Override
        public String command() {
            return "watch";
        }

        @Override
        public String query() {
            return "stop " + id;
        }
    }

    /** {@code help [command]}. */
    record Help(Optional<String> topic) implements Request {
        public Help {
            Objects.requireNonNull(topic, "topic");
        }

        @Override
        public String command() {
            return "help";
        }

        @Override
        public String query() {
            return topic.orElse("");
        }
    }
}
