package dev.mxdoctor.slack;

import dev.mxdoctor.command.Request;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Who may use the bot, where, and who may use its risky commands. Each list is optional; an empty one does not
 * restrict, except {@code sendUsers}: sending a test message and testing for an open relay from Slack need to be
 * granted by name.
 *
 * @param channels MXDOCTOR_SLACK_CHANNELS: the only channels the bot answers in (ids), or empty for all
 * @param users MXDOCTOR_SLACK_USERS: the only people it answers (ids), or empty for everyone
 * @param sendUsers MXDOCTOR_SEND_USERS: who may run {@code smtptest --send} and {@code relaytest} from Slack
 */
record Access(Set<String> channels, Set<String> users, Set<String> sendUsers) {

    static final Access OPEN = new Access(Set.of(), Set.of(), Set.of());

    Access {
        channels = Set.copyOf(channels);
        users = Set.copyOf(users);
        sendUsers = Set.copyOf(sendUsers);
    }

    static Set<String> ids(Optional<String> value) {
        return value.map(v -> Arrays.stream(v.split(",")).map(String::strip).filter(s -> !s.isEmpty())
                .collect(Collectors.toUnmodifiableSet())).orElse(Set.of());
    }

    /** The lists as the effective configuration shows them. */
    java.util.Map<String, String> effective() {
        return java.util.Map.of("MXDOCTOR_SLACK_CHANNELS", shown(channels, "(all)"), "MXDOCTOR_SLACK_USERS",
                shown(users, "(everyone)"), "MXDOCTOR_SEND_USERS", shown(sendUsers, "(nobody)"));
    }

    private static String shown(Set<String> ids, String whenEmpty) {
        return ids.isEmpty() ? whenEmpty : String.join(",", new java.util.TreeSet<>(ids));
    }

    /**
     * Why {@code user} may not have {@code request} answered in {@code channel}; empty when they may. A watch is
     * judged by the check it repeats.
     */
    Optional<String> refusal(String user, String channel, Request request) {
        if (request instanceof Request.Watch w) {
            return refusal(user, channel, w.check().request());
        }
        if (!users.isEmpty() && !users.contains(user)) {
            return Optional.of("mxdoctor answers only the people MXDOCTOR_SLACK_USERS lists; ask whoever runs it to "
                    + "add you");
        }
        if (!channels.isEmpty() && !channels.contains(channel)) {
            return Optional.of("mxdoctor works only in the channels MXDOCTOR_SLACK_CHANNELS lists; ask there, or ask "
                    + "whoever runs it to add this one");
        }
        if (request instanceof Request.SmtpTest t && t.send() && !sendUsers.contains(user)) {
            return Optional.of("`smtptest --send` sends a real message, so from Slack it is only for the people "
                    + "MXDOCTOR_SEND_USERS lists; without `--send` the same check stops before DATA");
        }
        if (request instanceof Request.RelayTest && !sendUsers.contains(user)) {
            return Optional.of("`relaytest` asks mail servers to relay for strangers, so from Slack it is only for the "
                    + "people MXDOCTOR_SEND_USERS lists");
        }
        return Optional.empty();
    }
}
