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

    private Path blocker;

    /** Its directory is a file for now: SQLite cannot create the database until it is removed. */
    @Override
    String unavailableDatabase() throws Exception {
        blocker = java.nio.file.Files.writeString(dir.resolve("not-yet"), "a file where a directory must be");
        return "jdbc:sqlite:" + blocker.resolve("history.db");
    }

    @Override
    void makeAvailable() throws Exception {
        java.nio.file.Files.delete(blocker);
    }
}
