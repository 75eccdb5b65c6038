package dev.mxdoctor.watch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mxdoctor.SettingsReader;
import dev.mxdoctor.command.CommandParser;
import dev.mxdoctor.command.Request;
import dev.mxdoctor.diagnosis.Verdict;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WatchingTest {

    private static final Instant T0 = Instant.parse("2026-12-01T14:05:00Z");

    private static Request.Watch watch(String text) throws Exception {
        return (Request.Watch) new CommandParser().parse(text).request();
    }

    @Test
    void plan_defaultsAreFiveMinutesForFourHours() throws Exception {
        Watching.Plan p = Watching.plan(watch("watch mx example.com"), WatchSettings.DEFAULTS, T0);
        assertThat(p.every()).isEqualTo(Duration.ofMinutes(5));
        assertThat(p.ends()).isEqualTo(T0.plus(Duration.ofHours(4)));
        assertThat(p.untilOk()).isFalse();
    }

    @Test
    void plan_outsideTheConfiguredBounds_isRefusedNamingTheSetting() {
        assertThatThrownBy(() -> Watching.plan(watch("watch mx example.com every 30s"), WatchSettings.DEFAULTS, T0))
                .hasMessageContaining("MXDOCTOR_WATCH_MIN_EVERY").hasMessageContaining("every 30s");
        assertThatThrownBy(() -> Watching.plan(watch("watch mx example.com for 2d"), WatchSettings.DEFAULTS, T0))
                .hasMessageContaining("MXDOCTOR_WATCH_MAX_FOR");
    }

    @Test
    void plan_intervalLongerThanTheDefaultDuration_lastsOneInterval() throws Exception {
        Watching.Plan p = Watching.plan(watch("watch mx example.com every 6h"), WatchSettings.read(
                new SettingsReader(Map.of())), T0);
        assertThat(p.ends()).isEqualTo(T0.plus(Duration.ofHours(6)));
    }

    @Test
    void schedule_runsEveryIntervalAndEndsWhenTheNextWouldBeLate() {
        Watching.Plan p = new Watching.Plan(Duration.ofMinutes(5), T0.plus(Duration.ofMinutes(12)),
                Duration.ofMinutes(12), false);
        assertThat(Watching.next(p, T0)).contains(T0.plus(Duration.ofMinutes(5)));
        assertThat(Watching.next(p, T0.plus(Duration.ofMinutes(5)))).contains(T0.plus(Duration.ofMinutes(10)));
        assertThat(Watching.next(p, T0.plus(Duration.ofMinutes(10)))).isEmpty();
        assertThat(Watching.endAfter(p, T0.plus(Duration.ofMinutes(5)), Verdict.Status.OK)).isEmpty();
        assertThat(Watching.endAfter(p, T0.plus(Duration.ofMinutes(10)), Verdict.Status.FAILING))
                .contains("its 12m are up");
    }

    @Test
    void untilOk_endsAtTheFirstOkOnly() {
        Watching.Plan p = new Watching.Plan(Duration.ofMinutes(5), T0.plus(Duration.ofHours(4)), Duration.ofHours(4),
                true);
        assertThat(Watching.endAfter(p, T0, Verdict.Status.FAILING)).isEmpty();
        assertThat(Watching.endAfter(p, T0, Verdict.Status.DEGRADED)).isEmpty();
        assertThat(Watching.endAfter(p, T0, Verdict.Status.OK)).contains("the verdict is OK (until ok)");
    }

    @Test
    void gap_isSaidOnlyWhenAWholeIntervalWasMissed() {
        Duration every = Duration.ofMinutes(5);
        assertThat(Watching.gap(T0, T0.plusSeconds(20), every)).isEmpty();
        assertThat(Watching.gap(T0, T0.plus(Duration.ofMinutes(25)), every))
                .contains("no checks between 14:05 and 14:30 UTC (mxdoctor was not running)");
    }

    @Test
    void settings_badValuesAreAllSaid() {
        SettingsReader r = new SettingsReader(Map.of("MXDOCTOR_WATCH_MIN_EVERY", "10m", "MXDOCTOR_WATCH_EVERY",
                "5m", "MXDOCTOR_WATCH_MAX_FOR", "soon", "MXDOCTOR_WATCHES_PER_USER", "-1"));
        WatchSettings.read(r);
        assertThat(r.problems()).anySatisfy(p -> assertThat(p).contains("MXDOCTOR_WATCH_EVERY (5m) is shorter"))
                .anySatisfy(p -> assertThat(p).startsWith("MXDOCTOR_WATCH_MAX_FOR").contains("not a duration"))
                .anySatisfy(p -> assertThat(p).contains("MXDOCTOR_WATCHES_PER_USER"));
    }
}
