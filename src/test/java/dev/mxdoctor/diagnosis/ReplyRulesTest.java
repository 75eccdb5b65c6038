package dev.mxdoctor.diagnosis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mxdoctor.smtp.SmtpReply;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Table-driven: every reply in replies/corpus.txt must mean what the corpus says. */
class ReplyRulesTest {

    record Case(String stage, FindingCode expected, List<String> lines, String list) {
        @Override
        public String toString() {
            return stage + " " + lines.get(0);
        }
    }

    static List<Case> corpus() throws IOException {
        try (InputStream in = ReplyRulesTest.class.getResourceAsStream("/replies/corpus.txt")) {
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return text.lines()
                    .filter(l -> !l.isBlank() && !l.startsWith("#"))
                    .map(l -> l.split(" \\| "))
                    .map(f -> new Case(f[0].strip(), FindingCode.valueOf(f[1].strip()),
                            Arrays.stream(f[2].split(" // ")).map(String::strip).toList(),
                            f.length > 3 ? f[3].strip().substring("list=".length()) : null))
                    .toList();
        }
    }

    static Stream<Arguments> cases() throws IOException {
        return corpus().stream().map(Arguments::of);
    }

    @Test
    void corpus_hasAtLeastSixtyReplies() throws IOException {
        assertThat(corpus()).hasSizeGreaterThanOrEqualTo(60);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void meaning_ofRealReply_isTheExpectedFinding(Case c) throws Exception {
        SmtpReply reply = SmtpReply.parse(c.lines());
        ReplyRules.Meaning m = switch (c.stage()) {
            case "MAIL" -> ReplyRules.mail(reply);
            case "RCPT" -> ReplyRules.rcpt(reply);
            case "DATA" -> ReplyRules.data(reply);
            default -> throw new IllegalArgumentException(c.stage());
        };
        assertThat(m.code()).as(c.lines().toString()).isEqualTo(c.expected());
        if (c.list() != null) {
            assertThat(m.blocklist().orElse("")).isEqualTo(c.list());
        }
    }

    @Test
    void providerAdvice_wellKnownProviders_pointAtTheirPages() throws Exception {
        assertThat(ReplyRules.providerAdvice(SmtpReply.parse(List.of("550 5.7.1 ... on our block list (S3140)."))))
                .hasValueSatisfying(a -> assertThat(a).contains("sender.office.com"));
        assertThat(ReplyRules.providerAdvice(SmtpReply.parse(List.of(
                "550-5.7.26 This mail is unauthenticated", "550 5.7.26 https://support.google.com/mail/?p=Unauth"))))
                .hasValueSatisfying(a -> assertThat(a).contains("answer/81126"));
        assertThat(ReplyRules.providerAdvice(SmtpReply.parse(List.of("550 5.1.1 User unknown")))).isEmpty();
    }
}
