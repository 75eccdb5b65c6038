package dev.mxdoctor.check;

import dev.mxdoctor.dns.Addresses;
import dev.mxdoctor.report.Report.TranscriptLine;
import dev.mxdoctor.smtp.SmtpListener;
import dev.mxdoctor.smtp.TlsFacts;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.LongSupplier;

/** Collects the timed transcript of every dialogue of a run; one listener per dialogue writes into it. */
final class TranscriptRecorder {

    private final LongSupplier nanoTime;
    private final long runStart;
    private final List<TranscriptLine> lines = new ArrayList<>();

    TranscriptRecorder(LongSupplier nanoTime, long runStart) {
        this.nanoTime = nanoTime;
        this.runStart = runStart;
    }

    /** Lines of one reply kept in the transcript; the rest are counted, and the reply's last line kept. */
    static final int REPLY_LINES_KEPT = 20;

    /**
     * A listener that records the dialogue with {@code host} at {@code address}. An endless multi-line reply is cut
     * to its first {@value #REPLY_LINES_KEPT} lines, a line saying how many were left out, and its last line.
     */
    SmtpListener listener(String host, String address) {
        return new SmtpListener() {
            private int replyLines; // lines of the reply being received; one dialogue is one thread
            private int elided;

            @Override
            public void connecting(InetSocketAddress a) {
                add(host, address, 'I', "connecting to " + describe(a));
            }

            @Override
            public void connected(InetSocketAddress a, long connectMillis, String from) {
                add(host, address, 'I', "connected in " + connectMillis + " ms from " + from);
            }

            @Override
            public void sent(String line) {
                endOfReply();
                add(host, address, 'C', line);
            }

            @Override
            public void received(String line) {
                replyLines++;
                boolean last = line.length() < 4 || line.charAt(3) != '-';
                if (replyLines <= REPLY_LINES_KEPT || last) {
                    if (last) {
                        endOfReply();
                    }
                    add(host, address, 'S', line);
                } else {
                    elided++;
                }
                if (last) {
                    replyLines = 0;
                }
            }

            /** Says how many lines of the reply were left out, if any. */
            private void endOfReply() {
                if (elided > 0) {
                    add(host, address, 'I', "… " + elided + " more line" + (elided == 1 ? "" : "s")
                            + " of this reply not shown");
                }
                elided = 0;
                replyLines = 0;
            }

            @Override
            public void tlsEstablished(TlsFacts f) {
                add(host, address, 'I', "TLS established: " + f.protocol() + ", " + f.cipher() + "; certificate "
                        + f.subject() + ", issued by " + f.issuer() + ", valid until " + f.notAfter()
                        + (f.trusted() ? ", trusted" : ", NOT trusted (" + f.trustProblem().orElse("?") + ")")
                        + (f.namesHost() ? "" : ", does not name " + host));
            }

            @Override
            public void note(String text) {
                endOfReply();
                add(host, address, 'I', text);
            }

            @Override
            public void closed() {
                endOfReply();
                add(host, address, 'I', "connection closed");
            }
        };
    }

    private static String describe(InetSocketAddress a) {
        String ip = Addresses.text(a.getAddress());
        return (ip.indexOf(':') >= 0 ? "[" + ip + "]" : ip) + ":" + a.getPort();
    }

    void add(String host, String address, char dir, String line) {
        TranscriptLine t = new TranscriptLine(host, address, (nanoTime.getAsLong() - runStart) / 1_000_000, dir,
                line);
        synchronized (lines) {
            lines.add(t);
        }
    }

    /** Every line, by time; lines of one dialogue keep their order. */
    List<TranscriptLine> lines() {
        synchronized (lines) {
            return lines.stream().sorted(Comparator.comparingLong(TranscriptLine::atMs)).toList();
        }
    }
}
