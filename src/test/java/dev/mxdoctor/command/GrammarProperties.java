package dev.mxdoctor.command;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Hostile input through the one grammar, from every entry point (CLI argv, slash text, mention text, button value):
 * what comes out is a usage error or a valid request, never another exception, and nothing that can reach a socket
 * (a name, an address, a host) carries a control character or anything but ASCII.
 */
class GrammarProperties {

    private final CommandParser parser = new CommandParser();

    @Property(tries = 2000)
    void parseText_anything_isAUsageErrorOrACleanRequest(@ForAll("hostileLines") String line) {
        check(() -> parser.parse(line));
    }

    @Property(tries = 1000)
    void parseWords_anything_isAUsageErrorOrACleanRequest(@ForAll("hostileWords") List<String> words) {
        check(() -> parser.parse(words));
    }

    @Property(tries = 20)
    void parseText_hundredKilobytes_isAnsweredNotHung(@ForAll("huge") String line) {
        check(() -> parser.parse(line));
    }

    @FunctionalInterface
    private interface Parse {
        Invocation apply() throws UsageException;
    }

    private static void check(Parse parse) {
        Invocation invocation;
        try {
            invocation = parse.apply();
        } catch (UsageException e) {
            assertThat(e.getMessage()).isNotBlank();
            assertThat(e.usage()).isNotBlank();
            return;
        }
        for (String s : wireBound(invocation.request())) {
            assertThat(s).as("reaches the network").matches("[\\x21-\\x7e]+");
        }
    }

    /** Every string of a request that can end up in a DNS question or an SMTP command. */
    private static List<String> wireBound(Request r) {
        List<String> out = new ArrayList<>();
        switch (r) {
            case Request.Mx mx -> {
                out.add(mx.domain().ascii());
                mx.resolver().ifPresent(h -> out.add(h.host()));
            }
            case Request.SmtpTest t -> {
                out.add(t.recipient().ascii());
                t.from().ifPresent(a -> out.add(a.ascii()));
                t.via().ifPresent(h -> out.add(h.host()));
                t.resolver().ifPresent(h -> out.add(h.host()));
            }
            case Request.Dns d -> {
                out.add(d.name().ascii());
                d.address().ifPresent(out::add);
                d.resolver().ifPresent(h -> out.add(h.host()));
            }
            case Request.History h -> h.domain().ifPresent(d -> out.add(d.ascii()));
            case Request.Watch w -> out.addAll(wireBound(w.check().request()));
            case Request.Auth a -> {
                out.add(a.domain().ascii());
                out.addAll(a.selectors());
                a.resolver().ifPresent(h -> out.add(h.host()));
            }
            case Request.RelayTest t -> {
                out.add(t.target().ascii());
                t.resolver().ifPresent(h -> out.add(h.host()));
            }
            case Request.Blocklist b -> {
                b.address().ifPresent(out::add);
                b.domain().ifPresent(d -> out.add(d.ascii()));
                b.resolver().ifPresent(h -> out.add(h.host()));
            }
            case Request.WatchStop stop -> out.add(stop.id());
            case Request.WatchList l -> { }
            case Request.Help h -> { }
        }
        return out;
    }

    private static final List<String> PIECES = List.of("mx", "smtptest", "dns", "history", "help", "from", "via",
            "watch", "every", "for", "until", "ok", "5m", "list", "stop", "w3fa9c2", "blocklist", "relaytest", "auth", "selector1",
            "@", "@8.8.8.8", "@[::1]:53", "example.com", "EXAMPLE.COM.", "alice@example.com", "bücher.example",
            "xn--bcher-kva.example", "<mailto:a@b.com|a@b.com>", "<http://example.com|example.com>", "<@U123>",
            "<<mailto:<x>>|y>", "--json", "--send", "--timeout", "--timeout=5", "--fresh", "--limit", "--code", "MX",
            "TXT", "PTR", "192.0.2.1", "2001:db8::1", "host:25", "[2001:db8::1]:2525", "\r\n", "\n", "\u0000",
            "\t", "\u202e", "\u200b", "\u200d", "\ufeff", "\u0085", "\u2028", "RCPT TO:<x>", "\"", "'", "\\",
            "a".repeat(300), ".", "..", "-", "%", "é", "ß", "\ud83d\udce7");

    @Provide
    Arbitrary<String> hostileLines() {
        Arbitrary<String> piece = Arbitraries.oneOf(Arbitraries.of(PIECES), Arbitraries.strings().ofMaxLength(20),
                Arbitraries.strings().withCharRange('\u0000', '\u001f').ofMaxLength(3));
        Arbitrary<String> separator = Arbitraries.of(" ", "  ", "\t", "", "\n", "\u00a0");
        return Combinators.combine(piece.list().ofMaxSize(8), separator).as((p, sep) -> String.join(sep, p));
    }

    @Provide
    Arbitrary<List<String>> hostileWords() {
        return Arbitraries.oneOf(Arbitraries.of(PIECES), Arbitraries.strings().ofMaxLength(30)).list().ofMaxSize(8);
    }

    @Provide
    Arbitrary<String> huge() {
        return Arbitraries.of("mx ", "smtptest ", "dns ", "").flatMap(prefix -> Arbitraries.of(PIECES)
                .map(p -> prefix + p.repeat(100_000 / Math.max(1, p.length()))));
    }
}
