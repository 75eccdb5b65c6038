package dev.mxdoctor.history;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.io.TempDir;

/** The history suite on real SQLite (the xerial driver's embedded engine), a new file per test. */
class SqliteHistoryStoreTest extends HistoryStoreContract {

    @TempDir
    Path dir;

    private final AtomicInteger n = new AtomicInteger();

    @Override
    String newDatabase() {
        return "jdbc:sqlite:" + dir.resolve("history-" + n.incrementAndGet() + ".db");
    }

    private Path missingDir;

    @Override
    String unavailableDatabase() {
        missingDir = dir.resolve("not-yet");
        return "jdbc:sqlite:" + missingDir.resolve("history.db");
    }

    @Override
    void makeAvailable() throws Exception {
        java.nio.file.Files.createDirectories(missingDir);
    }
}
