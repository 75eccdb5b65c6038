package dev.mxdoctor;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Command lines started together (a script checking several domains at once, on a machine where mxdoctor never ran)
 * on an SQLite history none of them has made yet: each makes or waits for the schema, answers, and says nothing on
 * stderr. Flyway cannot lock SQLite; without mxdoctor's own lock, one of two such processes had its migration refused
 * in about a third of tries (an ERROR line on stderr; before the history waited and looked again, the command failed).
 */
class CliSharedHistoryIT {

    @TempDir
    Path dir;

    @Test
    void twoCommandLinesOnANewHistory_bothAnswer_andNeitherComplains() throws Exception {
        for (int round = 0; round < 12; round++) {
            Path history = dir.resolve("round-" + round + ".db");
            List<Process> started = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java")
                        .toString(), "-XX:TieredStopAtLevel=1", "-jar", "target/mxdoctor.jar", "history");
                pb.environment().put("MXDOCTOR_DB", "jdbc:sqlite:" + history);
                pb.redirectOutput(dir.resolve("out-" + round + "-" + i).toFile());
                pb.redirectError(dir.resolve("err-" + round + "-" + i).toFile());
                started.add(pb.start());
            }
            for (int i = 0; i < 2; i++) {
                Process p = started.get(i);
                try {
                    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("round %d, process %d exits", round, i).isTrue();
                    String err = Files.readString(dir.resolve("err-" + round + "-" + i));
                    assertThat(err).as("round %d, process %d: stderr", round, i).isEmpty();
                    assertThat(p.exitValue()).as("round %d, process %d", round, i).isZero();
                    assertThat(Files.readString(dir.resolve("out-" + round + "-" + i)))
                            .isEqualTo("No runs recorded yet.\n");
                } finally {
                    p.destroyForcibly();
                }
            }
        }
    }
}
