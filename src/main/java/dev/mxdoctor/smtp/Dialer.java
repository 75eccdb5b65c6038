package dev.mxdoctor.smtp;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.Optional;

/**
 * The one way mxdoctor opens connections: checks the exact address about to be dialled against the
 * {@link TargetPolicy} (after DNS resolution, so a name pointing at 127.0.0.1 is caught too), then connects with a
 * deadline.
 */
public final class Dialer {

    private final TargetPolicy policy;
    private final ConnectionGate gate;

    /** A dialer without connection limits (a tool holding one dialogue at a time). */
    public Dialer(TargetPolicy policy) {
        this(policy, ConnectionGate.UNLIMITED);
    }

    public Dialer(TargetPolicy policy, ConnectionGate gate) {
        this.policy = policy;
        this.gate = gate;
    }

    /**
     * Checks {@code address} against the policy and waits (at most {@code maxWait}) for a place in the connection
     * gate; the permit is then handed to {@link #connect}.
     *
     * @throws TargetNotAllowedException when the policy refuses the address
     */
    public ConnectionGate.Permit admit(InetSocketAddress address, Duration maxWait,
            java.util.function.Consumer<String> waiting) throws IOException {
        Optional<String> refusal = policy.refusal(address);
        if (refusal.isPresent()) {
            throw new TargetNotAllowedException(refusal.get());
        }
        return gate.admit(address.getAddress(), maxWait, waiting);
    }

    /**
     * Connects to {@code address} with the permit {@link #admit} gave; closing the socket frees the permit.
     *
     * @throws java.net.SocketTimeoutException when the connection is not established in time
     * @throws java.net.ConnectException when the peer refuses
     */
    public Socket connect(InetSocketAddress address, Duration timeout, ConnectionGate.Permit permit)
            throws IOException {
        Socket socket = new Socket() {
            @Override
            public synchronized void close() throws IOException {
                try {
                    super.close();
                } finally {
                    permit.close();
                }
            }
        };
        try {
            socket.setTcpNoDelay(true);
            socket.connect(address, (int) Math.max(1, timeout.toMillis()));
            return socket;
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    public TargetPolicy policy() {
        return policy;
    }
}
