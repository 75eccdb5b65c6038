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

    public Dialer(TargetPolicy policy) {
        this.policy = policy;
    }

    /**
     * Connects to {@code address}.
     *
     * @throws TargetNotAllowedException when the policy refuses the address
     * @throws java.net.SocketTimeoutException when the connection is not established in time
     * @throws java.net.ConnectException when the peer refuses
     */
    public Socket connect(InetSocketAddress address, Duration timeout) throws IOException {
        Optional<String> refusal = policy.refusal(address);
        if (refusal.isPresent()) {
            throw new TargetNotAllowedException(refusal.get());
        }
        Socket socket = new Socket();
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
