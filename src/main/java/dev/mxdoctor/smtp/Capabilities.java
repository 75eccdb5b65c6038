package dev.mxdoctor.smtp;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;

/**
 * What a server announced in its EHLO reply (RFC 5321 4.1.1.1): the keywords, with SIZE and AUTH parsed.
 *
 * @param keywords every extension keyword in upper case, e.g. STARTTLS, PIPELINING, 8BITMIME
 * @param size the SIZE limit in bytes, when announced with a value
 * @param auth the AUTH mechanisms, when announced
 */
public record Capabilities(String greetingName, List<String> keywords, OptionalLong size, List<String> auth) {

    public Capabilities {
        keywords = List.copyOf(keywords);
        auth = List.copyOf(auth);
    }

    /** Parses an EHLO reply; the first line's text is the server's name, every other line an extension. Pure. */
    public static Capabilities parse(SmtpReply ehlo) {
        List<String> text = ehlo.lines().stream().map(l -> l.length() > 4 ? l.substring(4).strip() : "").toList();
        String name = text.isEmpty() ? "" : text.get(0).split("\\s+", 2)[0];
        List<String> keywords = new ArrayList<>();
        OptionalLong size = OptionalLong.empty();
        List<String> auth = new ArrayList<>();
        for (String line : text.subList(Math.min(1, text.size()), text.size())) {
            if (line.isEmpty()) {
                continue;
            }
            String[] words = line.split("[\\s=]+");
            String keyword = words[0].toUpperCase(Locale.ROOT);
            keywords.add(keyword);
            if (keyword.equals("SIZE") && words.length > 1) {
                try {
                    size = OptionalLong.of(Long.parseLong(words[1]));
                } catch (NumberFormatException e) {
                    // a SIZE with a bad value says nothing about the limit
                }
            } else if (keyword.equals("AUTH")) {
                for (int i = 1; i < words.length; i++) {
                    auth.add(words[i].toUpperCase(Locale.ROOT));
                }
            }
        }
        return new Capabilities(name, keywords, size, auth);
    }

    public boolean has(String keyword) {
        return keywords.contains(keyword.toUpperCase(Locale.ROOT));
    }

    /** Keywords as one line, for tables: "STARTTLS PIPELINING SIZE 10240000 8BITMIME". */
    public String summary() {
        return String.join(" ", keywords) + (size.isPresent() ? " (SIZE " + size.getAsLong() + ")" : "");
    }

    /** The capabilities of a server that only answered HELO. */
    public static Capabilities heloOnly(String name) {
        return new Capabilities(name, List.of(), OptionalLong.empty(), List.of());
    }
}
