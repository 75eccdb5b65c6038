package dev.mxdoctor.lab;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The lab as the lab suites see it: the settings lab/start wrote (lab/run/ready) plus test-friendly timeouts, or
 * why the suite is skipped. With -Dmxdoctor.lab=true (as CI runs it) a missing lab fails instead of skipping.
 */
public final class Lab {

    private static final Path READY = Path.of("lab/run/ready");

    private Lab() {}

    /** What lab/start wrote to lab/run/ready: the settings mxdoctor needs against the lab (benchmarks use it too). */
    public static Map<String, String> ready() throws IOException {
        Map<String, String> env = new HashMap<>();
        for (String line : Files.readAllLines(READY)) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                env.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return env;
    }

    /** The environment mxdoctor needs against the lab; empty (and a warning printed) when it is not running. */
    static Optional<Map<String, String>> settings(String suite) throws IOException {
        if (!Files.exists(READY)) {
            String why = "the lab is not running (no lab/run/ready): start it as root with lab/install && lab/start";
            if (Boolean.getBoolean("mxdoctor.lab")) {
                fail(why + "; -Dmxdoctor.lab=true requires it");
            }
            System.err.println("[WARNING] " + suite + ": lab tests skipped: " + why);
            return Optional.empty();
        }
        Map<String, String> env = ready();
        // Short enough for a test run, long enough for the lab's 6-second tarpit to be measured as slow.
        env.put("MXDOCTOR_SMTP_GREETING_TIMEOUT", "10");
        env.put("MXDOCTOR_SMTP_CONNECT_TIMEOUT", "3");
        env.put("MXDOCTOR_PING", "off");
        return Optional.of(env);
    }
}
