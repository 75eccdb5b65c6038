package dev.mxdoctor.smtp;

import java.io.IOException;

/** The dialer refused an address by the {@link TargetPolicy}; nothing was sent. */
public final class TargetNotAllowedException extends IOException {
    private static final long serialVersionUID = 1L;

    public TargetNotAllowedException(String message) {
        super(message);
    }

    /** Never null: every one is made with a message. */
    @Override
    public String getMessage() {
        return java.util.Objects.requireNonNullElse(super.getMessage(), getClass().getSimpleName());
    }
}
