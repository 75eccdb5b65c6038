package dev.mxdoctor;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LoggingTest {

    private final LoggerContext context = new LoggerContext();

    private String encode(String format, Map<String, String> mdc, String message, Object... args) {
        LoggingEvent event = new LoggingEvent("fqcn", context.getLogger("dev.mxdoctor.slack.Runner"), Level.WARN,
                message, null, args);
        event.setMDCPropertyMap(mdc);
        return new String(Logging.encoder(context, format).encode(event), StandardCharsets.UTF_8);
    }

    @Test
    void json_isOneObjectALine_withTheRunIdAndTheFormattedMessage() {
        String line = encode("json", Map.of(Logging.RUN, "5e1f00aa"), "run {}: could not post: {}", "5e1f00aa",
                "channel_not_found");
        assertThat(line).endsWith("\n").doesNotContain("\n\n");
        assertThat(line.strip().lines()).hasSize(1);
        JsonObject o = JsonParser.parseString(line).getAsJsonObject();
        assertThat(o.get("level").getAsString()).isEqualTo("WARN");
        assertThat(o.get("loggerName").getAsString()).isEqualTo("dev.mxdoctor.slack.Runner");
        assertThat(o.getAsJsonObject("mdc").get("run").getAsString()).isEqualTo("5e1f00aa");
        assertThat(o.get("formattedMessage").getAsString()).isEqualTo("run 5e1f00aa: could not post: channel_not_found");
    }

    @Test
    void text_saysTheRunWhenThereIsOne() {
        assertThat(encode("text", Map.of(Logging.RUN, "77aa"), "answer posted")).contains(" WARN  Runner [run 77aa] "
                + "- answer posted");
        assertThat(encode("text", Map.of(), "started")).contains(" WARN  Runner - started").doesNotContain("[run");
    }

    @Test
    void tokens_areMaskedInEitherFormat_whoeverLogsThem() {
        for (String format : new String[] {"text", "json"}) {
            String line = encode(format, Map.of(), "calling with {} and {}", "xoxb-1234-5678-abcdef",
                    "xapp-1-A0-99-ffee");
            assertThat(line).doesNotContain("1234-5678-abcdef").doesNotContain("ffee").contains("xoxb-***")
                    .contains("xapp-***");
        }
    }

    @Test
    void settings_badFormatOrLevel_areProblems() {
        SettingsReader r = new SettingsReader(Map.of("MXDOCTOR_LOG_FORMAT", "yaml", "MXDOCTOR_LOG_LEVEL", "loud"));
        Logging.check(r);
        assertThat(r.problems()).containsExactly("MXDOCTOR_LOG_FORMAT: must be text or json, not 'yaml'",
                "MXDOCTOR_LOG_LEVEL: must be one of trace, debug, info, warn, error, off; not 'loud'");
        SettingsReader ok = new SettingsReader(Map.of("MXDOCTOR_LOG_FORMAT", "JSON", "MXDOCTOR_LOG_LEVEL", "debug"));
        Logging.check(ok);
        assertThat(ok.problems()).isEmpty();
    }
}
