package dev.mxdoctor.history;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** SQLite's native library unpacked once into the user's cache and loaded from there on later starts. */
class SqliteNativeCacheTest {

    // Not a @TempDir: the driver may load the library from here later in this JVM, after a temporary dir is gone.
    private static final Path CACHE = Path.of("target", "test-cache-" + ProcessHandle.current().pid())
            .toAbsolutePath();

    private final String path = System.getProperty("org.sqlite.lib.path");
    private final String name = System.getProperty("org.sqlite.lib.name");

    @AfterEach
    void restore() {
        restore("org.sqlite.lib.path", path);
        restore("org.sqlite.lib.name", name);
    }

    private static void restore(String key, String value) {
        if (value == null) {
            System.clearProperty(key);
        } else {
            System.setProperty(key, value);
        }
    }

    @Test
    void prepare_unpacksOnce_thenPointsTheDriverAtTheCopy_andTheHistoryOpensWithIt() throws Exception {
        System.clearProperty("org.sqlite.lib.path");
        System.clearProperty("org.sqlite.lib.name");
        SqliteNativeCache.prepare(Map.of("XDG_CACHE_HOME", CACHE.toString()));
        Path dir = Path.of(System.getProperty("org.sqlite.lib.path"));
        Path lib = dir.resolve(System.getProperty("org.sqlite.lib.name"));
        assertThat(dir).startsWith(CACHE.resolve("mxdoctor").resolve("native"));
        assertThat(lib).isRegularFile();
        assertThat(Files.size(lib)).isGreaterThan(100_000);
        try (var stream = Files.list(dir)) {
            assertThat(stream).as("no half-written file left").containsExactly(lib);
        }
        // The next start finds it and writes nothing.
        FileTime written = Files.getLastModifiedTime(lib);
        System.clearProperty("org.sqlite.lib.path");
        SqliteNativeCache.prepare(Map.of("XDG_CACHE_HOME", CACHE.toString()));
        assertThat(Files.getLastModifiedTime(lib)).isEqualTo(written);
        assertThat(System.getProperty("org.sqlite.lib.path")).isEqualTo(dir.toString());
        try (HistoryStore store = HistoryStore.open("jdbc:sqlite:" + CACHE.resolve("history.db"))) {
            assertThat(store).isNotNull();
        }
    }

    @Test
    void prepare_aPathTheUserSet_isLeftAlone_andAnUnwritableCacheChangesNothing() throws Exception {
        System.setProperty("org.sqlite.lib.path", "/somewhere/of/theirs");
        SqliteNativeCache.prepare(Map.of("XDG_CACHE_HOME", CACHE.toString()));
        assertThat(System.getProperty("org.sqlite.lib.path")).isEqualTo("/somewhere/of/theirs");
        System.clearProperty("org.sqlite.lib.path");
        System.clearProperty("org.sqlite.lib.name");
        Path file = Files.writeString(CACHE.resolveSibling("not-a-directory-" + ProcessHandle.current().pid()), "x");
        SqliteNativeCache.prepare(Map.of("XDG_CACHE_HOME", file.toString()));
        assertThat(System.getProperty("org.sqlite.lib.path")).isNull();
    }

    @Test
    void cacheDirectory_followsXdg_elseHome() {
        assertThat(SqliteNativeCache.cacheDirectory(Map.of("XDG_CACHE_HOME", "/c", "HOME", "/h")))
                .contains(Path.of("/c/mxdoctor"));
        assertThat(SqliteNativeCache.cacheDirectory(Map.of("XDG_CACHE_HOME", "relative", "HOME", "/h")))
                .contains(Path.of("/h/.cache/mxdoctor"));
    }
}
