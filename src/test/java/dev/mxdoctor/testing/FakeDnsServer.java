package dev.mxdoctor.testing;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.NSECRecord;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.RRset;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SetResponse;
import org.xbill.DNS.Type;
import org.xbill.DNS.Zone;

/**
 * An authoritative DNS server for tests, on UDP and TCP of one loopback address and port, serving zones written in
 * master-file format. It also answers as if it were a recursive resolver (RA set, CNAMEs followed across its
 * zones). Per-name behaviours script what real servers do on bad days: silence, SERVFAIL, REFUSED, truncation,
 * latency. Every question is recorded.
 */
public final class FakeDnsServer implements AutoCloseable {

    /** What the server does with a question. */
    public enum Behaviour {
        ANSWER,
        /** No reply at all. */
        DROP,
        SERVFAIL,
        REFUSED,
        /** Over UDP: an empty reply with TC set; over TCP: the full answer. */
        TRUNCATE_UDP
    }

    /** One question as received. */
    public record Question(Name name, int type, boolean tcp, boolean recursionDesired) {
        @Override
        public String toString() {
            return name + " " + Type.string(type) + (tcp ? " tcp" : "");
        }
    }

    private final List<Zone> zones;
    private final DatagramSocket udp;
    private final ServerSocket tcp;
    private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(4,
            HarnessCpu.factory("dns-delayed-"));
    private final List<Question> questions = new CopyOnWriteArrayList<>();
    private final Map<Name, Behaviour> behaviours = new ConcurrentHashMap<>();
    private final Map<Name, Behaviour> recursiveBehaviours = new ConcurrentHashMap<>();
    private final Map<Name, Behaviour> validatingBehaviours = new ConcurrentHashMap<>();
    private volatile Behaviour defaultBehaviour = Behaviour.ANSWER;
    private volatile Duration latency = Duration.ZERO;
    private volatile boolean stripDnssec;
    private volatile boolean closed;

    private FakeDnsServer(InetSocketAddress bind, List<Zone> zones) throws IOException {
        this.zones = zones;
        this.udp = new DatagramSocket(bind);
        // Room for a burst of questions (the load benchmark asks thousands at once): with the default buffer the
        // kernel dropped some while this one thread answered others, and the checks waited out their DNS timeouts.
        udp.setReceiveBufferSize(4 << 20);
        this.tcp = new ServerSocket();
        try {
            tcp.setReuseAddress(true);
            tcp.bind(new InetSocketAddress(bind.getAddress(), udp.getLocalPort()), 50);
        } catch (IOException e) {
            udp.close();
            tcp.close();
            throw e;
        }
        HarnessCpu.start("dns-udp-" + udp.getLocalPort(), this::serveUdp);
        HarnessCpu.start("dns-tcp-" + udp.getLocalPort(), this::serveTcp);
    }

    /** Starts a server on 127.0.0.1 and an ephemeral port. Each zone text must start with its $ORIGIN. */
    public static FakeDnsServer start(String... zoneTexts) {
        return start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), zoneTexts);
    }

    /** Two servers on two loopback addresses sharing one port, each with its zones; retried when the port is busy. */
    public static FakeDnsServer[] pair(String a, String[] zonesA, String b, String[] zonesB) {
        for (int attempt = 0; ; attempt++) {
            FakeDnsServer first = start(new InetSocketAddress(a, 0), zonesA);
            try {
                return new FakeDnsServer[] {first, start(new InetSocketAddress(b, first.port()), zonesB)};
            } catch (UncheckedIOException e) {
                first.close();
                if (attempt == 10) {
                    throw e;
                }
            }
        }
    }

    /** Starts a server on the given address and port (port 0 for an ephemeral one). */
    public static FakeDnsServer start(InetSocketAddress bind, String... zoneTexts) {
        try {
            List<Zone> zones = new ArrayList<>();
            for (String text : zoneTexts) {
                zones.add(parseZone(text));
            }
            // An ephemeral UDP port may be taken for TCP (by any connection from this address): try another.
            for (int attempt = 0; ; attempt++) {
                try {
                    return new FakeDnsServer(bind, zones);
                } catch (java.net.BindException e) {
                    if (bind.getPort() != 0 || attempt == 50) {
                        throw e;
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Zone parseZone(String text) throws IOException {
        String origin = text.lines().filter(l -> l.startsWith("$ORIGIN")).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("zone text needs a $ORIGIN line"))
                .substring("$ORIGIN".length()).strip();
        return new Zone(Name.fromString(origin), new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
    }

    public InetSocketAddress address() {
        return new InetSocketAddress(udp.getLocalAddress(), udp.getLocalPort());
    }

    public int port() {
        return udp.getLocalPort();
    }

    /** Scripts the behaviour for one name (all types). */
    public FakeDnsServer behave(String name, Behaviour behaviour) {
        behaviours.put(Name.fromConstantString(name.endsWith(".") ? name : name + "."), behaviour);
        return this;
    }

    /**
     * Scripts the behaviour for recursive questions (RD set) about one name, as a resolver that cannot reach the
     * name's servers; questions without RD (as to an authoritative server) are answered from the zones.
     */
    public FakeDnsServer behaveRecursive(String name, Behaviour behaviour) {
        recursiveBehaviours.put(Name.fromConstantString(name.endsWith(".") ? name : name + "."), behaviour);
        return this;
    }

    /**
     * Scripts the behaviour for recursive questions that ask for DNSSEC checking (CD clear), as a validating
     * resolver that finds the name's signatures bogus: with CD set it answers.
     */
    public FakeDnsServer behaveValidating(String name, Behaviour behaviour) {
        validatingBehaviours.put(Name.fromConstantString(name.endsWith(".") ? name : name + "."), behaviour);
        return this;
    }

    /** Scripts the behaviour for every name without its own. */
    public FakeDnsServer behaveByDefault(Behaviour behaviour) {
        this.defaultBehaviour = behaviour;
        return this;
    }

    /** Delays every reply by this much (scheduled, so concurrent questions are not serialised). */
    public FakeDnsServer latency(Duration latency) {
        this.latency = latency;
        return this;
    }

    /**
     * Never returns DNSSEC records (signatures, NSEC), even to a query with the DO bit: as a resolver or middlebox
     * that strips them.
     */
    public FakeDnsServer stripDnssec() {
        this.stripDnssec = true;
        return this;
    }

    /** Questions received so far, in arrival order. */
    public List<Question> questions() {
        return List.copyOf(questions);
    }

    /** How many times this name and type was asked. */
    public long count(String name, int type) {
        Name n = Name.fromConstantString(name.endsWith(".") ? name : name + ".");
        return questions.stream().filter(q -> q.name().equals(n) && q.type() == type).count();
    }

    public void clearQuestions() {
        questions.clear();
    }

    private void serveUdp() {
        byte[] buffer = new byte[65535];
        while (!closed) {
            try {
                DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
                udp.receive(packet);
                byte[] in = java.util.Arrays.copyOf(packet.getData(), packet.getLength());
                InetSocketAddress from = (InetSocketAddress) packet.getSocketAddress();
                handle(in, false, out -> {
                    try {
                        udp.send(new DatagramPacket(out, out.length, from));
                    } catch (IOException e) {
                        // the client went away; nothing to do
                    }
                });
            } catch (SocketException e) {
                return; // closed
            } catch (IOException e) {
                // a malformed datagram: ignore it, as a server would
            }
        }
    }

    private void serveTcp() {
        while (!closed) {
            try {
                Socket s = tcp.accept();
                HarnessCpu.start("dns-tcp-connection", () -> serveTcpConnection(s)); // not on the client's carriers
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serveTcpConnection(Socket s) {
        try (s) {
            DataInputStream in = new DataInputStream(s.getInputStream());
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            while (true) {
                int length = in.readUnsignedShort();
                byte[] query = in.readNBytes(length);
                java.util.concurrent.CompletableFuture<byte[]> reply = new java.util.concurrent.CompletableFuture<>();
                handle(query, true, reply::complete);
                byte[] bytes = reply.get(30, TimeUnit.SECONDS);
                synchronized (out) {
                    out.writeShort(bytes.length);
                    out.write(bytes);
                    out.flush();
                }
            }
        } catch (Exception e) {
            // connection closed by the client, or a dropped question: end this connection
        }
    }

    private void handle(byte[] in, boolean overTcp, Consumer<byte[]> send) throws IOException {
        Message query = new Message(in);
        Record question = query.getQuestion();
        questions.add(new Question(question.getName(), question.getType(), overTcp,
                query.getHeader().getFlag(Flags.RD)));
        boolean rd = query.getHeader().getFlag(Flags.RD);
        boolean cd = query.getHeader().getFlag(Flags.CD);
        Behaviour b = behaviours.getOrDefault(question.getName(), defaultBehaviour);
        if (rd && recursiveBehaviours.containsKey(question.getName())) {
            b = recursiveBehaviours.get(question.getName());
        }
        if (rd && !cd && validatingBehaviours.containsKey(question.getName())) {
            b = validatingBehaviours.get(question.getName());
        }
        if (b == Behaviour.DROP) {
            return;
        }
        Message response = respond(query, b, overTcp);
        byte[] out = response.toWire(overTcp ? 65535 : 65535);
        Duration delay = latency;
        if (delay.isZero()) {
            send.accept(out);
        } else {
            scheduler.schedule(() -> send.accept(out), delay.toNanos(), TimeUnit.NANOSECONDS);
        }
    }

    private Message respond(Message query, Behaviour behaviour, boolean overTcp) {
        Message response = new Message(query.getHeader().getID());
        response.getHeader().setFlag(Flags.QR);
        response.getHeader().setFlag(Flags.RA);
        if (query.getHeader().getFlag(Flags.RD)) {
            response.getHeader().setFlag(Flags.RD);
        }
        Record question = query.getQuestion();
        response.addRecord(question, Section.QUESTION);
        OPTRecord opt = query.getOPT();
        boolean dnssecOk = opt != null && (opt.getFlags() & ExtendedFlags.DO) != 0 && !stripDnssec;
        if (opt != null) {
            response.addRecord(new OPTRecord(4096, 0, 0, dnssecOk ? ExtendedFlags.DO : 0), Section.ADDITIONAL);
        }
        switch (behaviour) {
            case SERVFAIL -> {
                response.getHeader().setRcode(Rcode.SERVFAIL);
                return response;
            }
            case REFUSED -> {
                response.getHeader().setRcode(Rcode.REFUSED);
                return response;
            }
            case TRUNCATE_UDP -> {
                if (!overTcp) {
                    response.getHeader().setFlag(Flags.TC);
                    return response;
                }
            }
            default -> {}
        }
        answer(response, question.getName(), question.getType(), 0, dnssecOk);
        return response;
    }

    private void answer(Message response, Name name, int type, int depth, boolean dnssec) {
        Zone zone = zoneFor(name);
        if (zone == null) {
            if (depth == 0) {
                response.getHeader().setRcode(Rcode.REFUSED);
            }
            return;
        }
        response.getHeader().setFlag(Flags.AA);
        SetResponse sr = zone.findRecords(name, type);
        if (sr.isSuccessful()) {
            for (RRset set : sr.answers()) {
                set.rrs(false).forEach(r -> response.addRecord(r, Section.ANSWER));
                if (dnssec) {
                    set.sigs().forEach(r -> response.addRecord(r, Section.ANSWER));
                }
                if (type == Type.NS) {
                    set.rrs(false).forEach(r -> glue(response, ((NSRecord) r).getTarget()));
                }
            }
        } else if (sr.isCNAME() && depth < 8) {
            CNAMERecord cname = sr.getCNAME();
            response.addRecord(cname, Section.ANSWER);
            if (dnssec) {
                zone.findExactMatch(name, Type.CNAME).sigs().forEach(r -> response.addRecord(r, Section.ANSWER));
            }
            answer(response, cname.getTarget(), type, depth + 1, dnssec);
        } else if (sr.isDelegation()) {
            response.getHeader().unsetFlag(Flags.AA);
            sr.getNS().rrs(false).forEach(r -> {
                response.addRecord(r, Section.AUTHORITY);
                glue(response, ((NSRecord) r).getTarget());
            });
        } else {
            if (sr.isNXDOMAIN()) {
                response.getHeader().setRcode(Rcode.NXDOMAIN);
            }
            response.addRecord(zone.getSOA(), Section.AUTHORITY);
            if (dnssec) {
                denial(response, zone, name, sr.isNXDOMAIN());
            }
        }
    }

    /**
     * The proof that goes with a negative answer from a signed zone: the SOA's signature and the NSEC records (with
     * theirs) showing that the type is absent at the name, or that no name (nor wildcard) covers it.
     */
    private static void denial(Message response, Zone zone, Name name, boolean nxdomain) {
        RRset soa = zone.findExactMatch(zone.getOrigin(), Type.SOA);
        soa.sigs().forEach(r -> response.addRecord(r, Section.AUTHORITY));
        List<RRset> nsecs = new ArrayList<>();
        if (!nxdomain) {
            RRset own = zone.findExactMatch(name, Type.NSEC);
            if (own != null) {
                nsecs.add(own);
            }
        } else {
            Name encloser = name;
            while (encloser.labels() > zone.getOrigin().labels() && !exists(zone, encloser)) {
                encloser = new Name(encloser, 1);
            }
            for (Name covered : List.of(name, wildcard(encloser))) {
                RRset cover = covering(zone, covered);
                if (cover != null && !nsecs.contains(cover)) {
                    nsecs.add(cover);
                }
            }
        }
        for (RRset set : nsecs) {
            set.rrs(false).forEach(r -> response.addRecord(r, Section.AUTHORITY));
            set.sigs().forEach(r -> response.addRecord(r, Section.AUTHORITY));
        }
    }

    private static boolean exists(Zone zone, Name name) {
        return zone.findExactMatch(name, Type.NSEC) != null;
    }

    private static Name wildcard(Name encloser) {
        try {
            return Name.concatenate(Name.fromConstantString("*"), encloser);
        } catch (org.xbill.DNS.NameTooLongException e) {
            return encloser;
        }
    }

    /** The NSEC whose owner sorts before {@code name} and whose next name after it (wrapping at the apex). */
    private static RRset covering(Zone zone, Name name) {
        for (java.util.Iterator<RRset> it = zone.iterator(); it.hasNext(); ) {
            RRset set = it.next();
            if (set.getType() != Type.NSEC) {
                continue;
            }
            NSECRecord nsec = (NSECRecord) set.first();
            Name owner = nsec.getName();
            Name next = nsec.getNext();
            boolean last = next.compareTo(owner) <= 0;
            if (owner.compareTo(name) < 0 && (name.compareTo(next) < 0 || last)) {
                return set;
            }
        }
        return null;
    }

    private void glue(Message response, Name host) {
        Zone zone = zoneFor(host);
        if (zone == null) {
            return;
        }
        RRset a = zone.findExactMatch(host, Type.A);
        if (a != null) {
            a.rrs(false).forEach(r -> response.addRecord(r, Section.ADDITIONAL));
        }
    }

    private Zone zoneFor(Name name) {
        return zones.stream()
                .filter(z -> name.subdomain(z.getOrigin()))
                .max(Comparator.comparingInt(z -> z.getOrigin().labels()))
                .orElse(null);
    }

    @Override
    public void close() {
        closed = true;
        udp.close();
        try {
            tcp.close();
        } catch (IOException e) {
            // already closed
        }
        scheduler.shutdownNow();
    }

    /** The DClass of every fixture; here so fixtures need not import dnsjava. */
    public static final int IN = DClass.IN;
}
