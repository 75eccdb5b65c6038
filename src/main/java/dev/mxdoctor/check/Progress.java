package dev.mxdoctor.check;

/** Receives short progress messages while a check runs ("MX: 3 hosts; looking up addresses…"). */
@FunctionalInterface
public interface Progress {
    void update(String message);

    /** Progress that goes nowhere. */
    Progress NONE = message -> {};
}
