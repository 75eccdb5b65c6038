package dev.mxdoctor.command;

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
