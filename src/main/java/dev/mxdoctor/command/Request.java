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
    record Mx(DomainName domain, Optional<ResolverSpec> resolver) implements Request {
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
    record Dns(DomainName name, QueryType type, Optional<String> address, Optional<ResolverSpec> resolver)
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
