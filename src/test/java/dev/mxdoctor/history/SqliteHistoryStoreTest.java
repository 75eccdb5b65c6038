package dev.mxdoctor.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
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

    @Test
    void aProcessStuckMidMigration_holdsTheOthersOnlyUntilTheirDeadline_andTheyOpenOnceItLetsGo() throws Exception {
        Path file = dir.resolve("stuck.db");
        Process holder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), dev.mxdoctor.testing.HoldFileLock.class.getName(),
                dir.resolve("stuck.db.schema-lock").toString()).redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        try {
            BufferedReader said = new BufferedReader(new InputStreamReader(holder.getInputStream(),
                    StandardCharsets.UTF_8));
            assertThat(said.readLine()).isEqualTo("held");
            assertThatThrownBy(() -> HistoryStore.open("jdbc:sqlite:" + file, Duration.ofMillis(300)))
                    .isInstanceOfSatisfying(HistoryException.class, e -> assertThat(e.kind())
                            .isEqualTo(HistoryException.Kind.UNAVAILABLE))
                    .hasMessageContaining("another process is still creating or upgrading it");
            holder.getOutputStream().close(); // the other process finishes
            assertThat(holder.waitFor()).isZero();
            try (HistoryStore store = HistoryStore.open("jdbc:sqlite:" + file, Duration.ofMillis(300))) {
                assertThat(store.latest(java.util.Optional.empty(), java.util.Optional.empty(), 1)).isEmpty();
            }
        } finally {
            holder.destroyForcibly();
        }
    }
}
