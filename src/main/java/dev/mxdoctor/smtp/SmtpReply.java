package dev.mxdoctor.smtp;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One SMTP reply, possibly multi-line (RFC 5321 4.2): the three-digit code, the RFC 3463 enhanced status code when
 * the server gives one, and every line as received.
 */
public record SmtpReply(int code, Optional<String> enhanced, List<String> lines) {

    private static final Pattern LINE = Pattern.compile("([2-5][0-9][0-9])([ -]?)(.*)", Pattern.DOTALL);
    private static final Pattern ENHANCED = Pattern.compile("^([245]\\.\\d{1,3}\\.\\d{1,3})(?:\\s|$)");

    public SmtpReply {
        lines = List.copyOf(lines);
    }

    /**
     * Parses the lines of one reply; the last must end it ("250 ..." or a bare "250"). Pure.
     *
     * @throws SmtpProtocolException when a line is not a reply line or the codes of the lines differ
     */
    public static SmtpReply parse(List<String> lines) throws SmtpProtocolException {
        if (lines.isEmpty()) {
            throw new SmtpProtocolException("empty reply");
        }
        int code = -1;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            Matcher m = LINE.matcher(line);
            if (!m.matches() || (m.group(2).isEmpty() && !m.group(3).isEmpty())) {
                throw new SmtpProtocolException("not an SMTP reply line: " + abbreviate(line));
            }
            int c = Integer.parseInt(m.group(1));
            if (code != -1 && c != code) {
                throw new SmtpProtocolException("reply code changed from " + code + " to " + c + " within one reply");
            }
            code = c;
            boolean last = i == lines.size() - 1;
            if (last == m.group(2).equals("-")) {
                throw new SmtpProtocolException(last ? "reply ends with a continuation line" : "reply line " + (i + 1)
                        + " ends the reply early");
            }
        }
        Matcher e = ENHANCED.matcher(text(lines.get(0)));
        Optional<String> enhanced = e.find() && e.group(1).charAt(0) == Character.forDigit(code / 100, 10)
                ? Optional.of(e.group(1)) : Optional.empty();
        return new SmtpReply(code, enhanced, lines);
    }

    /** Whether a line is the last of its reply ("250 ..." or "250"), as opposed to "250-...". */
    public static boolean isLastLine(String line) {
        return line.length() < 4 || line.charAt(3) != '-';
    }

    /** The text of every line without codes, joined by spaces. */
    public String text() {
        List<String> parts = new ArrayList<>();
        for (String l : lines) {
            parts.add(text(l));
        }
        return String.join(" ", parts).strip();
    }

    /** The text of every line, each without its code and enhanced code. */
    public List<String> textLines() {
        return lines.stream().map(SmtpReply::text).map(t -> enhanced.filter(t::startsWith)
                .map(x -> t.substring(x.length()).strip()).orElse(t)).toList();
    }

    /** The reply as one line, for findings: "550 5.1.1 <a@b>: Recipient address rejected". */
    public String oneLine() {
        return String.join(" / ", lines);
    }

    /** Longest {@link #brief()} a headline quotes; the whole reply stays in the finding and the transcript. */
    static final int BRIEF_LIMIT = 160;

    /**
     * The reply as a headline quotes it: its first line, cut at {@value #BRIEF_LIMIT} characters, and how many lines
     * were left out ("554-5.7.1 Service unavailable; Client host blocked … (+6 lines)").
     */
    public String brief() {
        String first = lines.get(0);
        String cut = first.length() <= BRIEF_LIMIT ? first : first.substring(0, BRIEF_LIMIT - 1).strip() + "…";
        return lines.size() == 1 ? cut : cut + " (+" + (lines.size() - 1) + " more line"
                + (lines.size() == 2 ? "" : "s") + ")";
    }

    public boolean isPositive() {
        return code >= 200 && code < 400;
    }

    public boolean isTransient() {
        return code >= 400 && code < 500;
    }

    public boolean isPermanent() {
        return code >= 500;
    }

    private static String text(String line) {
        return line.length() > 4 ? line.substring(4) : "";
    }

    static String abbreviate(String s) {
        String printable = s.replaceAll("\\p{Cntrl}", "?");
        return printable.length() <= 80 ? printable : printable.substring(0, 77) + "...";
    }
}
