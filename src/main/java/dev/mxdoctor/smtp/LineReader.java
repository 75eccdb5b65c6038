package dev.mxdoctor.smtp;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reads CRLF-terminated lines from a stream with a bound on their length, so that a peer sending an endless line
 * cannot make mxdoctor hold more than {@code maxLine} bytes. A bare LF also ends a line (servers that get it wrong
 * still deserve a diagnosis).
 */
final class LineReader {

    private final InputStream in;
    private final int maxLine;

    LineReader(InputStream in, int maxLine) {
        this.in = in;
        this.maxLine = maxLine;
    }

    /**
     * The next line without its line ending.
     *
     * @throws EOFException when the peer closed the connection (before any byte of the line)
     * @throws SmtpProtocolException when the line exceeds the bound or the connection ends mid-line
     */
    String readLine() throws IOException {
        byte[] buffer = new byte[Math.min(maxLine, 1024)];
        int length = 0;
        while (true) {
            int b = in.read();
            if (b < 0) {
                if (length == 0) {
                    throw new EOFException("connection closed");
                }
                throw new SmtpProtocolException("connection closed in the middle of a line: "
                        + SmtpReply.abbreviate(new String(buffer, 0, length, StandardCharsets.ISO_8859_1)));
            }
            if (b == '\n') {
                if (length > 0 && buffer[length - 1] == '\r') {
                    length--;
                }
                // Replies are ASCII; UTF-8 covers SMTPUTF8 servers and shows anything else recognisably.
                return new String(buffer, 0, length, StandardCharsets.UTF_8);
            }
            if (length == maxLine) {
                throw new SmtpProtocolException("line longer than " + maxLine + " bytes without CRLF: "
                        + SmtpReply.abbreviate(new String(buffer, 0, Math.min(length, 60), StandardCharsets.ISO_8859_1)));
            }
            if (length == buffer.length) {
                buffer = java.util.Arrays.copyOf(buffer, Math.min(maxLine, buffer.length * 2));
            }
            buffer[length++] = (byte) b;
        }
    }
}
