package dev.mxdoctor.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SmtpReplyTest {

    private static SmtpReply parse(String... lines) throws SmtpProtocolException {
        return SmtpReply.parse(List.of(lines));
    }

    @Test
    void parse_multilineReplyWithEnhancedCode_keepsEveryLine() throws Exception {
        SmtpReply r = parse("550-5.7.1 Service unavailable; client host [192.0.2.1] blocked",
                "550 5.7.1 using zen.spamhaus.org");
        assertThat(r.code()).isEqualTo(550);
        assertThat(r.enhanced()).contains("5.7.1");
        assertThat(r.lines()).hasSize(2);
        assertThat(r.text()).isEqualTo("5.7.1 Service unavailable; client host [192.0.2.1] blocked 5.7.1 using "
                + "zen.spamhaus.org");
        assertThat(r.oneLine()).isEqualTo("550-5.7.1 Service unavailable; client host [192.0.2.1] blocked / "
                + "550 5.7.1 using zen.spamhaus.org");
        assertThat(r.isPermanent()).isTrue();
    }

    @Test
    void parse_bareCode_isAValidReply() throws Exception {
        SmtpReply r = parse("250");
        assertThat(r.code()).isEqualTo(250);
        assertThat(r.enhanced()).isEmpty();
        assertThat(r.text()).isEmpty();
    }

    @ParameterizedTest
    @CsvSource(delimiterString = " => ", value = {
        "250 2.1.0 Ok => 2.1.0",
        "451 4.7.1 Greylisted => 4.7.1",
        "550 5.1.10 null MX => 5.1.10",
        "550 4.1.1 mismatched class => ''",
        "250 ok 2.1.0 => ''",
        "220 mx.example.com ESMTP => ''",
    })
    void parse_enhancedCode_onlyWhenItLeadsAndMatchesTheClass(String line, String enhanced) throws Exception {
        assertThat(parse(line).enhanced().orElse("")).isEqualTo(enhanced);
    }

    @ParameterizedTest
    @CsvSource(delimiterString = " => ", value = {
        "HTTP/1.1 400 Bad Request => not an SMTP reply line",
        "25 short => not an SMTP reply line",
        "999 out of range => not an SMTP reply line",
        "250x no separator => not an SMTP reply line",
        "250-continued => reply ends with a continuation line",
    })
    void parse_invalidLines_areProtocolErrors(String line, String message) {
        assertThatThrownBy(() -> parse(line)).isInstanceOf(SmtpProtocolException.class).hasMessageContaining(message);
    }

    @Test
    void parse_codeChangingWithinReply_isAProtocolError() {
        assertThatThrownBy(() -> parse("250-first", "251 second")).hasMessageContaining("reply code changed");
    }

    @Test
    void parse_earlyEnd_isAProtocolError() {
        assertThatThrownBy(() -> parse("250 first", "250 second")).hasMessageContaining("ends the reply early");
    }

    @Test
    void isLastLine_tellsContinuationsApart() {
        assertThat(Arrays.asList("250 x", "250", "250-x").stream().map(SmtpReply::isLastLine))
                .containsExactly(true, true, false);
    }

    @Test
    void capabilities_parse_readsKeywordsSizeAndAuth() throws Exception {
        Capabilities c = Capabilities.parse(parse("250-mx.example.com Hello", "250-PIPELINING", "250-SIZE 52428800",
                "250-STARTTLS", "250-AUTH PLAIN LOGIN", "250-ENHANCEDSTATUSCODES", "250-8BITMIME", "250-SMTPUTF8",
                "250-CHUNKING", "250 DSN"));
        assertThat(c.greetingName()).isEqualTo("mx.example.com");
        assertThat(c.keywords()).containsExactly("PIPELINING", "SIZE", "STARTTLS", "AUTH", "ENHANCEDSTATUSCODES",
                "8BITMIME", "SMTPUTF8", "CHUNKING", "DSN");
        assertThat(c.size()).hasValue(52428800);
        assertThat(c.auth()).containsExactly("PLAIN", "LOGIN");
        assertThat(c.has("starttls")).isTrue();
    }

    @Test
    void brief_isTheFirstLineCapped_withHowManyLinesWereLeftOut() throws Exception {
        assertThat(parse("550 5.1.1 <a@example.com>: Recipient address rejected").brief())
                .isEqualTo("550 5.1.1 <a@example.com>: Recipient address rejected");
        SmtpReply long1 = parse("554-5.7.1 " + "x".repeat(300), "554-second", "554 third");
        assertThat(long1.brief()).hasSize(SmtpReply.BRIEF_LIMIT + " (+2 more lines)".length())
                .startsWith("554-5.7.1 xxx").endsWith("x… (+2 more lines)");
        assertThat(parse("421-4.7.0 try later", "421 4.7.0 really").brief())
                .isEqualTo("421-4.7.0 try later (+1 more line)");
    }
}
