package dev.mxdoctor.smtp;

import java.io.IOException;

/** The peer sent something that is not SMTP: garbage, an over-long line, a malformed reply. */
public final class SmtpProtocolException extends IOException {
    private static final long serialVersionUID = 1L;

    public SmtpProtocolException(String message) {
        super(message);
    }

    /** Never null: every one is made with a message. */
    @Override
    public String getMessage() {
        return java.util.Objects.requireNonNullElse(super.getMessage(), getClass().getSimpleName());
    }
}
