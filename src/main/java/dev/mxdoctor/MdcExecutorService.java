package dev.mxdoctor;

import java.util.List;
import java.util.Map;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.MDC;

/**
 * Runs each task with the logging context (the run id) of the thread that submitted it, so that a line logged by
 * a probe on another thread still says which run it belongs to.
 */
final class MdcExecutorService extends AbstractExecutorService {

    private final ExecutorService inner;

    MdcExecutorService(ExecutorService inner) {
        this.inner = inner;
    }

    @Override
    public void execute(Runnable task) {
        @Nullable Map<String, String> context = MDC.getCopyOfContextMap();
        inner.execute(() -> {
            @Nullable Map<String, String> previous = MDC.getCopyOfContextMap();
            set(context);
            try {
                task.run();
            } finally {
                set(previous);
            }
        });
    }

    private static void set(@Nullable Map<String, String> context) {
        if (context == null) {
            MDC.clear();
        } else {
            MDC.setContextMap(context);
        }
    }

    @Override
    public void shutdown() {
        inner.shutdown();
    }

    @Override
    public List<Runnable> shutdownNow() {
        return inner.shutdownNow();
    }

    @Override
    public boolean isShutdown() {
        return inner.isShutdown();
    }

    @Override
    public boolean isTerminated() {
        return inner.isTerminated();
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        return inner.awaitTermination(timeout, unit);
    }
}
