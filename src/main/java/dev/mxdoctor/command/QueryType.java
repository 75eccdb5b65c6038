package dev.mxdoctor.command;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/** The record types {@code dns} answers for. */
public enum QueryType {
    A,
    AAAA,
    MX,
    TXT,
    NS,
    SOA,
    CNAME,
    PTR,
    SRV,
    CAA,
    TLSA;

    /** The type with this name, in any case. */
    public static Optional<QueryType> parse(String word) {
        String upper = word.toUpperCase(Locale.ROOT);
        return Arrays.stream(values()).filter(t -> t.name().equals(upper)).findFirst();
    }

    /** "A, AAAA, MX, ..." for usage messages. */
    public static String known() {
        return Arrays.stream(values()).map(Enum::name).collect(Collectors.joining(", "));
    }
}
