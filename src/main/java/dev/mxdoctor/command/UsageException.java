package dev.mxdoctor.command;

/**
 * Input that the grammar refuses. The message says what was wrong; {@link #usage()} says what is expected.
 * Both are safe to show to the person who typed the command.
 */
public final class UsageException extends Exception {
    private static final long serialVersionUID = 1L;

    private final String usage;

    public UsageException(String message, String usage) {
        super(message);
        this.usage = usage;
    }

    /** The usage text of the command concerned, or of all commands. */
    public String usage() {
        return usage;
    }

    /** Never null: every one is made with a message. */
    @Override
    public String getMessage() {
        return java.util.Objects.requireNonNullElse(super.getMessage(), getClass().getSimpleName());
    }
}
