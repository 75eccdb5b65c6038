package dev.mxdoctor.command;

import java.util.Objects;

/**
 * A validated DNS name in lower case without the trailing dot: its ASCII (A-label) form for the wire and its
 * Unicode form for people.
 */
public record DomainName(String ascii, String unicode) {

    public DomainName {
        Objects.requireNonNull(ascii, "ascii");
        Objects.requireNonNull(unicode, "unicode");
    }

    /** Whether the name was internationalised, so both forms are worth showing. */
    public boolean isInternationalised() {
        return !ascii.equals(unicode);
    }

    /** "bücher.example (xn--bcher-kva.example)" for an internationalised name, the plain name otherwise. */
    public String display() {
        return isInternationalised() ? unicode + " (" + ascii + ")" : ascii;
    }

    @Override
    public String toString() {
        return ascii;
    }
}
