package dev.mxdoctor.report;

import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/** Short random ids that tie what a user sees ("error id 3f2a9c1e") to the log line with the details. */
public final class ErrorId {

    private ErrorId() {}

    public static String next() {
        return HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
    }
}
