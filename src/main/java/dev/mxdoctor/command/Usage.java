package dev.mxdoctor.command;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/** Usage lines and help texts for every command: one source for the CLI, Slack and error messages. */
public final class Usage {

    private record Entry(String synopsis, String description, String example) {}

    private static final Map<String, Entry> COMMANDS = new LinkedHashMap<>();

    static {
        COMMANDS.put("mx", new Entry("mx <domain> [@resolver]",
                "MX records in preference order, every mail host's addresses, and what DNS says about them.",
                "mx example.com @192.0.2.53"));
        COMMANDS.put("smtptest", new Entry("smtptest <address> [from <address>] [via <host>[:port]] [@resolver] "
                + "[--send]",
                "The dialogue a sending server would hold with the recipient's MX hosts, up to RCPT TO (DATA only "
                        + "with --send, where allowed).",
                "smtptest alice@example.com from bob@example.org"));
        COMMANDS.put("dns", new Entry("dns <name> [type] [@resolver]",
                "Any record type (" + QueryType.known() + "); an IP address means its PTR record.",
                "dns example.com TXT"));
        COMMANDS.put("blocklist", new Entry("blocklist [ip | domain] [@resolver]",
                "DNS blocklist look-ups (Spamhaus, SpamCop, Barracuda, PSBL, Mailspike...) for an address, for every "
                        + "MX address of a domain, or with neither for MXDOCTOR_SENDER_IPS; what each listing means.",
                "blocklist 192.0.2.25"));
        COMMANDS.put("auth", new Entry("auth <domain> [dkim-selector ...] [ip <address>] [@resolver]",
                "SPF (syntax, the 10 look-up limit with what spends it, void look-ups, all), DMARC (with the "
                        + "organisational domain, tags, report authorisation), DKIM keys, MTA-STS, TLS-RPT and DANE "
                        + "(TLSA DNSSEC-validated and compared with each MX host's certificate), as receivers and "
                        + "senders read them; with ip, the SPF result for mail from that address.",
                "auth example.com selector1"));
        COMMANDS.put("relaytest", new Entry("relaytest <host | domain> [@resolver]",
                "The open-relay test on a domain's MX hosts (or one host): outside sender to outside recipient in "
                        + "the forms relays mishandle, stopping at RCPT TO, never DATA. Off unless "
                        + "MXDOCTOR_ALLOW_RELAYTEST=true.",
                "relaytest example.com"));
        COMMANDS.put("history", new Entry("history [domain] [--limit N] [--code CODE]",
                "Earlier runs from the shared history, newest first, with what changed since the run before.",
                "history example.com --limit 5"));
        COMMANDS.put("watch", new Entry("watch <check> [every <duration>] [for <duration>] [until ok] | watch list "
                + "[mine] | watch stop <id>",
                "Runs a check (mx, smtptest, dns, blocklist, auth, relaytest) again on a schedule (default every 5m for 4h) and says only what "
                        + "changes; ends at its time, when stopped, or with 'until ok' once the verdict is OK.",
                "watch smtptest alice@example.com every 5m for 4h"));
        COMMANDS.put("help", new Entry("help [command]", "This text, or one command's usage.", "help mx"));
    }

    private static final String FLAGS =
            "Flags: --json (JSON report), --timeout <seconds> (overall deadline), --fresh (skip the DNS cache).";


    private Usage() {}

    /** The command names, in the order help lists them. */
    public static java.util.Set<String> commands() {
        return COMMANDS.keySet();
    }

    /** The one-line synopsis of a command, e.g. "mx <domain> [@resolver]". */
    public static Optional<String> synopsis(String command) {
        return Optional.ofNullable(COMMANDS.get(command)).map(Entry::synopsis);
    }

    /** "usage: mx <domain> [@resolver]" and an example. */
    public static String of(String command) {
        Entry e = COMMANDS.get(command);
        if (e == null) {
            return all();
        }
        return "usage: " + e.synopsis() + "\n  " + e.description() + "\n  example: " + e.example() + "\n" + FLAGS;
    }

    /** Every command's synopsis and description. */
    public static String all() {
        String lines = COMMANDS.values().stream()
                .map(e -> String.format("  %-34s %s", e.synopsis(), e.description()))
                .collect(Collectors.joining("\n"));
        return "usage: <command> [arguments]\n" + lines + "\n" + FLAGS;
    }
}
