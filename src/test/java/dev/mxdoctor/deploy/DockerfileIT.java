package dev.mxdoctor.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mxdoctor.slack.SlackSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * No Docker engine runs here, so the Dockerfile is read instead and held to what it relies on: a build from a clone
 * (the wrapper, the POM, the sources; never a jar from the host), the jar this very build produced (an integration
 * test runs after {@code package}), its entry point, the health endpoint and port the bot serves, a user without
 * privileges and the history's volume. ReplicasIT runs that same jar with the same {@code bot} command.
 */
class DockerfileIT {

    record Instruction(String keyword, String args) {}

    record Stage(String image, Optional<String> name, List<Instruction> instructions) {
        List<String> all(String keyword) {
            return instructions.stream().filter(i -> i.keyword().equals(keyword)).map(Instruction::args).toList();
        }

        String one(String keyword) {
            List<String> found = all(keyword);
            assertThat(found).as(keyword + " in the stage from " + image).hasSize(1);
            return found.get(0);
        }
    }

    /** The stages of a Dockerfile: comments dropped, continued lines joined. */
    static List<Stage> parse(Path dockerfile) throws IOException {
        List<Stage> stages = new ArrayList<>();
        StringBuilder logical = new StringBuilder();
        List<String> lines = new ArrayList<>();
        for (String line : Files.readAllLines(dockerfile)) {
            String t = line.strip();
            if (t.startsWith("#") || (t.isEmpty() && logical.isEmpty())) {
                continue;
            }
            if (t.endsWith("\\")) {
                logical.append(t.substring(0, t.length() - 1).strip()).append(' ');
                continue;
            }
            logical.append(t);
            lines.add(logical.toString().strip());
            logical.setLength(0);
        }
        for (String l : lines) {
            String[] kv = l.split("\\s+", 2);
            String keyword = kv[0].toUpperCase(java.util.Locale.ROOT);
            String args = kv.length > 1 ? kv[1] : "";
            if (keyword.equals("FROM")) {
                Matcher m = Pattern.compile("(\\S+)(?:\\s+AS\\s+(\\S+))?", Pattern.CASE_INSENSITIVE).matcher(args);
                assertThat(m.matches()).as(l).isTrue();
                stages.add(new Stage(m.group(1), Optional.ofNullable(m.group(2)), new ArrayList<>()));
            } else {
                assertThat(stages).as("an instruction before FROM: " + l).isNotEmpty();
                stages.get(stages.size() - 1).instructions().add(new Instruction(keyword, args));
            }
        }
        return stages;
    }

    private static int javaVersion(String image) {
        Matcher m = Pattern.compile(":(\\d+)").matcher(image);
        assertThat(m.find()).as("a Java version in " + image).isTrue();
        return Integer.parseInt(m.group(1));
    }

    @Test
    void build_fromAClone_inAJdkStage_dependenciesCachedApartFromTheSources() throws IOException {
        List<Stage> stages = parse(Path.of("Dockerfile"));
        assertThat(stages).hasSize(2);
        Stage build = stages.get(0);
        assertThat(build.name()).contains("build");
        assertThat(build.image()).contains("jdk");
        assertThat(javaVersion(build.image())).isGreaterThanOrEqualTo(21);
        List<String> ignored = Files.readAllLines(Path.of(".dockerignore")).stream().map(String::strip)
                .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        assertThat(ignored).as("a jar built on the host never reaches the image").contains("target");
        List<Instruction> steps = build.instructions();
        int pom = -1;
        int dependencies = -1;
        int sources = -1;
        int packaged = -1;
        for (int i = 0; i < steps.size(); i++) {
            Instruction s = steps.get(i);
            if (s.keyword().equals("COPY")) {
                List<String> words = List.of(s.args().split("\\s+"));
                for (String source : words.subList(0, words.size() - 1)) {
                    assertThat(Path.of(source)).as("COPY " + source + " exists in a clone").exists();
                    assertThat(ignored).as(source + " is not ignored").doesNotContain(source);
                }
                if (words.contains("pom.xml")) {
                    pom = i;
                }
                if (words.get(0).equals("src")) {
                    sources = i;
                }
            }
            if (s.keyword().equals("RUN") && s.args().startsWith("./mvnw")) {
                if (s.args().contains("dependency:go-offline")) {
                    dependencies = i;
                }
                if (s.args().matches(".*\\bpackage\\b.*")) {
                    packaged = i;
                }
            }
        }
        assertThat(pom).as("the POM is copied").isNotNegative();
        assertThat(dependencies).as("dependencies resolved after the POM, before the sources").isGreaterThan(pom)
                .isLessThan(sources);
        assertThat(packaged).as("the jar is built from the sources with the wrapper").isGreaterThan(sources);
    }

    @Test
    void run_theJarThisBuildMakes_asTheEntryPoint_nonRoot_withHealthcheckPortAndVolume() throws IOException {
        Stage run = parse(Path.of("Dockerfile")).get(1);
        assertThat(run.image()).contains("jre");
        assertThat(javaVersion(run.image())).isGreaterThanOrEqualTo(21);

        // The jar copied from the build stage is the one `./mvnw package` makes (here: the one this run made).
        String copy = run.all("COPY").stream().filter(c -> c.startsWith("--from=build")).findFirst().orElseThrow();
        String[] words = copy.split("\\s+");
        String built = words[1];
        String installed = words[2];
        assertThat(built).startsWith("/src/");
        Path jar = Path.of(built.substring("/src/".length()));
        assertThat(jar).as("the jar the image copies is what the build produces").exists();
        try (JarFile j = new JarFile(jar.toFile())) {
            assertThat(j.getManifest().getMainAttributes().getValue("Main-Class")).isEqualTo("dev.mxdoctor.Main");
        }
        List<String> entrypoint = new com.google.gson.Gson().fromJson(run.one("ENTRYPOINT"),
                new com.google.gson.reflect.TypeToken<List<String>>() {}.getType());
        assertThat(entrypoint.get(0)).isEqualTo("java");
        assertThat(entrypoint.subList(entrypoint.size() - 2, entrypoint.size())).containsExactly("-jar", installed);
        // The bot's JVM as ./mxdoctor starts it: the quick compiler only (LauncherIT, docs/benchmarks.md).
        assertThat(entrypoint).contains("-XX:TieredStopAtLevel=1");
        assertThat(run.one("CMD")).isEqualTo("[\"bot\"]");

        // The port the bot serves by default, exposed and probed on its liveness endpoint.
        int port = SlackSettings.fromEnvironment(Map.of("SLACK_BOT_TOKEN", "xoxb-x", "SLACK_APP_TOKEN", "xapp-x"))
                .httpPort();
        assertThat(run.one("EXPOSE")).isEqualTo(String.valueOf(port));
        assertThat(String.join(" ", run.all("ENV"))).contains("MXDOCTOR_HTTP_PORT=" + port);
        String health = run.one("HEALTHCHECK");
        assertThat(health).contains("/healthz").contains("$MXDOCTOR_HTTP_PORT").contains("MXDOCTOR_OPS_PORT");

        // The class-data archive: recorded at build time from the jar's own training run (which needs no network:
        // MainTest.aotTraining_*), at the path the entry point reads it from.
        String archiveFlag = entrypoint.stream().filter(a -> a.startsWith("-XX:SharedArchiveFile=")).findFirst()
                .orElseThrow();
        String archive = archiveFlag.substring("-XX:SharedArchiveFile=".length());
        String training = run.all("RUN").stream().filter(r -> r.contains("--aot-training")).findFirst().orElseThrow();
        assertThat(training).contains("-XX:ArchiveClassesAtExit=" + archive).contains("-jar " + installed)
                .contains(installed + " history"); // the schema made first, so migrations stay out of the archive
        assertThat(training).doesNotContain("MXDOCTOR_DNS=");

        assertThat(run.one("USER")).doesNotStartWith("0").doesNotStartWith("root");
        String volume = run.one("VOLUME");
        assertThat(String.join(" ", run.all("ENV"))).contains("MXDOCTOR_DB=jdbc:sqlite:" + volume + "/");
    }

    @Test
    void deployFiles_probeTheEndpointsAndPortTheBotServes_andStopAfterTheGrace() throws IOException {
        SlackSettings defaults = SlackSettings.fromEnvironment(Map.of("SLACK_BOT_TOKEN", "xoxb-x", "SLACK_APP_TOKEN",
                "xapp-x"));
        String k8s = Files.readString(Path.of("deploy/kubernetes.yaml"));
        assertThat(k8s).contains("path: /healthz").contains("path: /readyz")
                .contains("containerPort: " + defaults.httpPort()).contains("args: [\"bot\"]");
        Matcher grace = Pattern.compile("terminationGracePeriodSeconds: (\\d+)").matcher(k8s);
        assertThat(grace.find()).isTrue();
        assertThat(Long.parseLong(grace.group(1))).isGreaterThan(defaults.shutdownGrace().toSeconds());
        String unit = Files.readString(Path.of("deploy/mxdoctor.service"));
        assertThat(unit).contains("mxdoctor.jar bot").contains("RestartPreventExitStatus=78")
                .contains("-XX:TieredStopAtLevel=1");
        Matcher stop = Pattern.compile("TimeoutStopSec=(\\d+)").matcher(unit);
        assertThat(stop.find()).isTrue();
        assertThat(Long.parseLong(stop.group(1))).isGreaterThan(defaults.shutdownGrace().toSeconds());
    }
}
