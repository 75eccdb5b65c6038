package dev.mxdoctor;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The launcher script ({@code ./mxdoctor}) as an operator starts the bot with it: the JVM options it chooses. */
class LauncherIT {

    @TempDir
    Path home;

    /** Runs {@code ./mxdoctor bot} without Slack tokens, so that it stops at its configuration; returns stdout. */
    private String botWithoutTokens(Map<String, String> env) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("./mxdoctor", "bot");
        pb.environment().keySet().removeIf(k -> k.startsWith("SLACK_") || k.startsWith("MXDOCTOR_"));
        pb.environment().put("HOME", home.toString());
        pb.environment().put("MXDOCTOR_DB", "none");
        pb.environment().putAll(env);
        Path err = Files.createTempFile(home, "launcher", ".err");
        pb.redirectError(err.toFile());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("stderr: %s", Files.readString(err)).isEqualTo(78); // a configuration error
        assertThat(Files.readString(err)).contains("SLACK_BOT_TOKEN");
        return out;
    }

    private static long maxHeap(String flags) {
        Matcher m = Pattern.compile("size_t MaxHeapSize\\s+=\\s+(\\d+)").matcher(flags);
        assertThat(m.find()).as("MaxHeapSize in the JVM's flags").isTrue();
        return Long.parseLong(m.group(1));
    }

    private static int tieredStopAtLevel(String flags) {
        Matcher m = Pattern.compile("intx TieredStopAtLevel\\s+=\\s+(\\d+)").matcher(flags);
        assertThat(m.find()).as("TieredStopAtLevel in the JVM's flags").isTrue();
        return Integer.parseInt(m.group(1));
    }

    @Test
    void theBotGetsAHeapOfItsOwnSize_notAShareOfTheHost_andTheQuickCompilerOnly() throws Exception {
        String flags = botWithoutTokens(Map.of("MXDOCTOR_JAVA_OPTS", "-XX:+PrintFlagsFinal"));
        assertThat(maxHeap(flags)).isEqualTo(256L * 1024 * 1024);
        assertThat(tieredStopAtLevel(flags)).isEqualTo(1);
    }

    @Test
    void theOperatorsSettingsWin() throws Exception {
        String flags = botWithoutTokens(Map.of("MXDOCTOR_JAVA_OPTS",
                "-Xmx300m -XX:TieredStopAtLevel=4 -XX:+PrintFlagsFinal"));
        assertThat(maxHeap(flags)).isEqualTo(300L * 1024 * 1024);
        assertThat(tieredStopAtLevel(flags)).isEqualTo(4);
    }
}
