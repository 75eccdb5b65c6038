package dev.mxdoctor.ops;

import dev.mxdoctor.Engine;
import dev.mxdoctor.diagnosis.AddressProbe;
import dev.mxdoctor.history.History;
import dev.mxdoctor.report.Report;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * The bot's metrics, in Prometheus' format through Micrometer: checks by command and verdict with their durations,
 * the queue, the DNS cache, SMTP connection outcomes, Slack API calls, the history's writes, and the JVM and process.
 * Only the bot uses this class: a command-line run never loads Micrometer.
 */
public final class Metrics {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gc = new JvmGcMetrics();

    public Metrics() {
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
    }

    /** A finished check: counted by command and verdict, timed, and each address's connection outcome counted. */
    public void checkFinished(Report report, Duration elapsed) {
        String command = report.command();
        String verdict = report.verdict().status().name().toLowerCase(Locale.ROOT);
        Counter.builder("mxdoctor.checks").description("Checks finished, by command and verdict")
                .tags("command", command, "verdict", verdict).register(registry).increment();
        duration(command).record(elapsed);
        for (Report.MxEntry mx : report.mx()) {
            for (AddressProbe probe : mx.probes()) {
                Counter.builder("mxdoctor.smtp.connections").description("SMTP connection attempts, by outcome")
                        .tag("outcome", probe.outcome().label()).register(registry).increment();
            }
        }
    }

    /** A check that failed inside mxdoctor (a bug, with an error id in the log). */
    public void checkFailed(String command, Duration elapsed) {
        Counter.builder("mxdoctor.checks").description("Checks finished, by command and verdict")
                .tags("command", command, "verdict", "internal_error").register(registry).increment();
        duration(command).record(elapsed);
    }

    private Timer duration(String command) {
        return Timer.builder("mxdoctor.check.duration").description("How long checks took, by command")
                .tag("command", command).publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(10)).maximumExpectedValue(Duration.ofMinutes(5))
                .register(registry);
    }

    /** The engine's DNS cache. */
    public void bind(Engine engine) {
        functionCounter("mxdoctor.dns.cache.hits", "DNS questions answered from the cache", engine,
                Engine::dnsCacheHits);
        functionCounter("mxdoctor.dns.cache.misses", "DNS questions sent to a resolver", engine,
                Engine::dnsCacheMisses);
        Gauge.builder("mxdoctor.dns.cache.entries", engine, Engine::dnsCacheEntries)
                .description("Entries in the DNS cache").register(registry);
    }

    /** The history's write queue and lost writes. */
    public void bind(History history) {
        Gauge.builder("mxdoctor.history.pending.writes", history, History::pendingWrites)
                .description("Writes waiting for the history database").register(registry);
        functionCounter("mxdoctor.history.write.failures", "Writes to the history given up (dropped or refused)",
                history, History::writesLost);
        Gauge.builder("mxdoctor.history.up", history, h -> h.problem().isEmpty() ? 1 : 0)
                .description("1 while the history database answers").register(registry);
    }

    /** The worker pool: checks running and waiting. */
    public void bindPool(dev.mxdoctor.work.WorkerPool pool) {
        Gauge.builder("mxdoctor.checks.running", pool, dev.mxdoctor.work.WorkerPool::running)
                .description("Checks running now").register(registry);
        Gauge.builder("mxdoctor.checks.queued", pool, dev.mxdoctor.work.WorkerPool::queued)
                .description("Checks waiting for a place").register(registry);
    }

    /** A Slack Web API call: {@code outcome} is ok, error (Slack said ok=false), rate_limited or failed. */
    public void slackCall(String method, String outcome) {
        Counter.builder("mxdoctor.slack.api.calls").description("Slack Web API calls, by method and outcome")
                .tags("method", method, "outcome", outcome).register(registry).increment();
    }

    /** Whether the bot is ready, as /readyz last said (1 or 0). */
    /** The watches this bot holds, and their checks running now. */
    public void bindWatches(java.util.function.IntSupplier held, dev.mxdoctor.work.WorkerPool lane) {
        // A strong reference: the supplier is a method reference nothing else holds.
        Gauge.builder("mxdoctor.watches.held", held, IntSupplierValue::of).strongReference(true)
                .description("Watches this bot holds (runs on schedule)").register(registry);
        Gauge.builder("mxdoctor.watch.checks.running", lane, dev.mxdoctor.work.WorkerPool::running)
                .description("Watch checks running now, in their own lane").register(registry);
    }

    private static final class IntSupplierValue {
        static double of(java.util.function.IntSupplier s) {
            return s.getAsInt();
        }
    }

    public void bindReadiness(java.util.function.BooleanSupplier ready) {
        Gauge.builder("mxdoctor.ready", ready, r -> r.getAsBoolean() ? 1 : 0)
                .description("1 while the bot is connected to Slack and taking work").register(registry);
    }

    private <T> void functionCounter(String name, String description, T object, ToDoubleFunction<T> value) {
        FunctionCounter.builder(name, object, value).description(description).register(registry);
    }

    /** The text for /metrics. */
    public String scrape() {
        return registry.scrape();
    }
}
