package dev.mxdoctor.smtp;

import java.net.InetSocketAddress;

/**
 * Receives the events of one dialogue as they happen, as OkHttp's EventListener does: the transcript and progress
 * reports are listeners, and tests record the exact sequence.
 */
public interface SmtpListener {

    default void connecting(InetSocketAddress address) {}

    /** Connected to {@code address}, from the local address {@code from}. */
    default void connected(InetSocketAddress address, long connectMillis, String from) {}

    /** A line mxdoctor sent (without CRLF). */
    default void sent(String line) {}

    /** A line the server sent (without CRLF). */
    default void received(String line) {}

    default void tlsEstablished(TlsFacts facts) {}

    /** mxdoctor's own remark: a timeout, a failure, a decision. */
    default void note(String text) {}

    default void closed() {}

    SmtpListener NONE = new SmtpListener() {};
}
