package dev.mxdoctor.history;

import java.io.IOException;
import java.io.InputStream;
import java.net.JarURLConnection;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.Optional;

/**
 * Keeps SQLite's native library unpacked in the user's cache directory. Left alone, the driver unpacks its megabyte
 * into the temporary directory on every start and deletes it at exit: about 40 ms of every command-line run. The
 * cached copy is named by the CRC of the library inside the jar, so another driver version unpacks its own; written
 * under a temporary name and moved into place whole, so a half-written file is never loaded. Anything unusual (no
 * cache directory, a read-only home, a library not in the jar) leaves the driver to do as it always does.
 */
final class SqliteNativeCache {

    private SqliteNativeCache() {}

    /** Points the driver at the cached copy, unpacking it first when missing; a no-op if the user set the path. */
    static void prepare(Map<String, String> env) {
        if (System.getProperty("org.sqlite.lib.path") != null) {
            return;
        }
        try {
            String folder = org.sqlite.util.OSInfo.getNativeLibFolderPathForCurrentOS();
            String name = System.mapLibraryName("sqlitejdbc");
            URL resource = org.sqlite.JDBC.class.getResource("/org/sqlite/native/" + folder + "/" + name);
            Optional<Path> base = cacheDirectory(env);
            if (resource == null || base.isEmpty()) {
                return;
            }
            URLConnection connection = resource.openConnection();
            if (!(connection instanceof JarURLConnection jar) || jar.getJarEntry().getCrc() < 0) {
                return;
            }
            Path dir = base.get().resolve("native").resolve(folder.replace('/', '-'));
            Path lib = dir.resolve(String.format("%08x-%s", jar.getJarEntry().getCrc(), name));
            if (!Files.isRegularFile(lib) || Files.size(lib) != jar.getJarEntry().getSize()) {
                Files.createDirectories(dir);
                Path tmp = Files.createTempFile(dir, "unpacking-", ".tmp");
                try (InputStream in = resource.openStream()) {
                    Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
                    Files.move(tmp, lib, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } finally {
                    Files.deleteIfExists(tmp);
                }
            }
            System.setProperty("org.sqlite.lib.path", dir.toString());
            System.setProperty("org.sqlite.lib.name", lib.getFileName().toString());
        } catch (IOException | RuntimeException | LinkageError e) {
            // The driver unpacks into the temporary directory, as it does without this.
        }
    }

    /** {@code $XDG_CACHE_HOME/mxdoctor}, else {@code ~/.cache/mxdoctor}. */
    static Optional<Path> cacheDirectory(Map<String, String> env) {
        String xdg = env.get("XDG_CACHE_HOME");
        if (xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute()) {
            return Optional.of(Path.of(xdg, "mxdoctor"));
        }
        String home = env.getOrDefault("HOME", System.getProperty("user.home", ""));
        return home.isBlank() ? Optional.empty() : Optional.of(Path.of(home, ".cache", "mxdoctor"));
    }
}
