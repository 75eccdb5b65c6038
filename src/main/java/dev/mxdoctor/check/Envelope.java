package dev.mxdoctor.check;

import java.util.Optional;

/**
 * The envelope of an {@code smtptest} dialogue.
 *
 * @param message the dot-stuffed test message to send after DATA, or empty to stop at RCPT
 */
record Envelope(String mailFrom, String rcptTo, Optional<byte[]> message) {}
