package dev.mxdoctor.check;

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

    /** A listener that records the dialogue with {@code host} at {@code address}. */
    SmtpListener listener(String host, String address) {
        return new SmtpListener() {
            @Override
            public void connecting(InetSocketAddress a) {
                add(host, address, 'I', "connecting to " + describe(a));
            }

            @Override
            public void connected(InetSocketAddress a, long connectMillis) {
                add(host, address, 'I', "connected in " + connectMillis + " ms");
            }

            @Override
            public void sent(String line) {
                add(host, address, 'C', line);
            }

            @Override
            public void received(String line) {
                add(host, address, 'S', line);
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
                add(host, address, 'I', text);
            }

            @Override
            public void closed() {
                add(host, address, 'I', "connection closed");
            }
        };
    }

    private static String describe(InetSocketAddress a) {
        String ip = a.getAddress().getHostAddress();
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
