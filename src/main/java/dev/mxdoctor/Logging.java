package dev.mxdoctor;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.encoder.EncoderBase;
import ch.qos.logback.core.spi.ContextAwareBase;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.regex.Pattern;
import org.slf4j.LoggerFactory;

/**
 * Logback configured in code (found through {@code META-INF/services}), so that no XML is parsed at start: human
 * lines on standard error by default, one JSON object a line with {@code MXDOCTOR_LOG_FORMAT=json}. A line logged
 * while a run is handled carries its id ({@code run} in the MDC). Slack tokens are masked in whatever reaches the
 * output, whoever logged them.
 */
public final class Logging extends ContextAwareBase implements Configurator {

    /** The MDC key of the run being handled. */
    public static final String RUN = "run";

    private static final Pattern TOKEN = Pattern.compile("\\b(xox[a-z]|xapp)-[A-Za-z0-9-]+");

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
        console.setContext(context);
        console.setName("console");
        console.setTarget("System.err");
        console.setEncoder(encoder(context, format(System.getenv("MXDOCTOR_LOG_FORMAT"))));
        console.start();
        ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        // Libraries speak when something is wrong; mxdoctor at the level asked for (info by default).
        root.setLevel(Level.WARN);
        root.addAppender(console);
        context.getLogger("dev.mxdoctor").setLevel(level(System.getenv("MXDOCTOR_LOG_LEVEL")));
        // dnsjava's validator warns, with a stack trace, about every bogus signature: that is a finding in the
        // report (DNSSEC_BOGUS), not a fault of the process.
        context.getLogger("org.xbill.DNS.dnssec").setLevel(Level.ERROR);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    /** "json" or "text"; anything else is text (the value is checked with the other settings at start). */
    static String format(@org.jspecify.annotations.Nullable String value) {
        return value != null && value.strip().equalsIgnoreCase("json") ? "json" : "text";
    }

    private static Level level(@org.jspecify.annotations.Nullable String value) {
        return value == null || value.isBlank() ? Level.INFO : Level.toLevel(value.strip(), Level.INFO);
    }

    /** The encoder of a format ("text" or "json"), tokens masked. */
    static Encoder<ILoggingEvent> encoder(LoggerContext context, String format) {
        MaskingEncoder masking = new MaskingEncoder(format.equals("json") ? json(context) : text(context));
        masking.setContext(context);
        masking.start();
        return masking;
    }

    private static Encoder<ILoggingEvent> text(LoggerContext context) {
        PatternLayoutEncoder e = new PatternLayoutEncoder();
        e.setContext(context);
        e.setPattern("%d{yyyy-MM-dd'T'HH:mm:ss.SSSX,UTC} %-5level %logger{0}%replace( [run %X{" + RUN
                + "}]){' \\[run \\]', ''} - %msg%n");
        e.start();
        return e;
    }

    private static Encoder<ILoggingEvent> json(LoggerContext context) {
        JsonEncoder e = new JsonEncoder();
        e.setContext(context);
        e.setWithContext(false);
        e.setWithSequenceNumber(false);
        e.setWithNanoseconds(false);
        e.setWithMessage(false);
        e.setWithArguments(false);
        e.setWithFormattedMessage(true);
        e.start();
        return e;
    }

    /** Checks MXDOCTOR_LOG_FORMAT and MXDOCTOR_LOG_LEVEL with the other settings. */
    static void check(SettingsReader r) {
        r.parsed("MXDOCTOR_LOG_FORMAT", "text", v -> {
            if (!v.equalsIgnoreCase("json") && !v.equalsIgnoreCase("text")) {
                throw new IllegalArgumentException("must be text or json, not '" + v + "'");
            }
            return v.toLowerCase(Locale.ROOT);
        });
        r.parsed("MXDOCTOR_LOG_LEVEL", "info", v -> {
            if (!v.toUpperCase(Locale.ROOT).matches("TRACE|DEBUG|INFO|WARN|ERROR|OFF")) {
                throw new IllegalArgumentException("must be one of trace, debug, info, warn, error, off; not '" + v
                        + "'");
            }
            return v;
        });
    }

    /** Turns the named loggers off (the command line keeps its own quiet unless --debug). */
    static void silence(String... loggers) {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            for (String name : loggers) {
                context.getLogger(name).setLevel(Level.OFF);
            }
        }
    }

    /** Replaces Slack tokens in the encoded line, whatever the encoder made of the event. */
    static String mask(String line) {
        return TOKEN.matcher(line).replaceAll("$1-***");
    }

    private static final class MaskingEncoder extends EncoderBase<ILoggingEvent> {
        private final Encoder<ILoggingEvent> inner;

        MaskingEncoder(Encoder<ILoggingEvent> inner) {
            this.inner = inner;
        }

        @Override
        public byte[] headerBytes() {
            return inner.headerBytes();
        }

        @Override
        public byte[] encode(ILoggingEvent event) {
            byte[] bytes = inner.encode(event);
            String line = new String(bytes, StandardCharsets.UTF_8);
            String masked = mask(line);
            return masked.equals(line) ? bytes : masked.getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public byte[] footerBytes() {
            return inner.footerBytes();
        }
    }
}
