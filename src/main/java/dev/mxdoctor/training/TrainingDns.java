package dev.mxdoctor.training;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * A name server on loopback that answers for one small zone ({@code training.test}: an MX host, a name server, SPF
 * and DMARC records, the reverse name of 127.0.0.1), authoritative and recursive alike, over UDP. It exists only
 * for the class-data cache's training run, so that the cache holds the code of a check that gets answers; it is
 * never started for a user's command.
 */
final class TrainingDns implements AutoCloseable {

    static final String DOMAIN = "training.test";
    private static final long TTL = 300;

    private final DatagramSocket socket;
    private final List<Record> records;
    private final Record soa;
    private final Thread thread;

    TrainingDns() throws IOException {
        socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        Name zone = name("training.test.");
        Name ns = name("ns.training.test.");
        Name mx = name("mx.training.test.");
        InetAddress loopback = InetAddress.getByAddress(new byte[] {127, 0, 0, 1});
        records = List.of(
                new NSRecord(zone, DClass.IN, TTL, ns),
                new MXRecord(zone, DClass.IN, TTL, 10, mx),
                new TXTRecord(zone, DClass.IN, TTL, "v=spf1 mx -all"),
                new TXTRecord(name("_dmarc.training.test."), DClass.IN, TTL, "v=DMARC1; p=reject"),
                new ARecord(ns, DClass.IN, TTL, loopback),
                new ARecord(mx, DClass.IN, TTL, loopback),
                new PTRRecord(name("1.0.0.127.in-addr.arpa."), DClass.IN, TTL, mx));
        soa = new SOARecord(zone, DClass.IN, TTL, ns, name("hostmaster.training.test."), 1, 3600, 600, 86400, TTL);
        thread = Thread.ofPlatform().daemon().name("training-dns").start(this::serve);
    }

    int port() {
        return socket.getLocalPort();
    }

    private static Name name(String text) throws TextParseException {
        return Name.fromString(text);
    }

    private void serve() {
        byte[] buffer = new byte[4096];
        while (!socket.isClosed()) {
            try {
                DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
                socket.receive(packet);
                byte[] reply = answer(new Message(java.util.Arrays.copyOf(packet.getData(), packet.getLength())))
                        .toWire(512);
                socket.send(new DatagramPacket(reply, reply.length, packet.getSocketAddress()));
            } catch (IOException | RuntimeException e) {
                // a malformed question, or the socket closed: the next one, or the end
            }
        }
    }

    private Message answer(Message query) {
        Message response = new Message(query.getHeader().getID());
        response.getHeader().setFlag(Flags.QR);
        response.getHeader().setFlag(Flags.AA);
        response.getHeader().setFlag(Flags.RA);
        if (query.getHeader().getFlag(Flags.RD)) {
            response.getHeader().setFlag(Flags.RD);
        }
        Record question = query.getQuestion();
        if (question == null) {
            response.getHeader().setRcode(Rcode.FORMERR);
            return response;
        }
        response.addRecord(question, Section.QUESTION);
        Name name = question.getName();
        boolean exists = name.equals(soa.getName());
        for (Record r : records) {
            if (r.getName().equals(name)) {
                exists = true;
                if (r.getType() == question.getType()) {
                    response.addRecord(r, Section.ANSWER);
                }
            }
        }
        if (name.equals(soa.getName()) && question.getType() == Type.SOA) {
            response.addRecord(soa, Section.ANSWER);
        }
        if (response.getSection(Section.ANSWER).isEmpty()) {
            response.getHeader().setRcode(exists ? Rcode.NOERROR : Rcode.NXDOMAIN);
            response.addRecord(soa, Section.AUTHORITY);
        }
        return response;
    }

    @Override
    public void close() throws InterruptedException {
        socket.close();
        thread.join(1000);
    }
}
