package dev.mxdoctor.testing;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Run as a process of its own: locks the file it is given (as another mxdoctor would), says {@code held} on stdout,
 * and keeps the lock until its stdin closes. File locks belong to processes, so a test cannot hold one against
 * itself.
 */
public final class HoldFileLock {

    private HoldFileLock() {}

    public static void main(String[] args) throws IOException {
        try (FileChannel c = FileChannel.open(Path.of(args[0]), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                var lock = c.lock()) {
            System.out.println("held");
            System.out.flush();
            while (System.in.read() >= 0) {
                // until the test closes our stdin (or ends)
            }
        }
    }
}
