package dev.mxdoctor.smtp;

import java.io.IOException;

/** The dialer refused an address by the {@link TargetPolicy}; nothing was sent. */
public final class TargetNotAllowedException extends IOException {
    private static final long serialVersionUID = 1L;

    public TargetNotAllowedException(String message) {
        super(message);
    }
}
