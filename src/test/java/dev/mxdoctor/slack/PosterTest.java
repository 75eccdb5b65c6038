package dev.mxdoctor.slack;

import static org.assertj.core.api.Assertions.assertThat;

import com.slack.api.Slack;
import com.slack.api.SlackConfig;
import dev.mxdoctor.testing.FakeSlack;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class PosterTest {

    @Test
    void burstsOfCalls_reuseTheConnectionsOfEarlierBursts() throws Exception {
        try (FakeSlack fake = new FakeSlack()) {
            SlackConfig config = new SlackConfig();
            config.setMethodsEndpointUrlPrefix(fake.apiUrl());
            AtomicInteger ok = new AtomicInteger();
            Poster poster = new Poster(Slack.getInstance(config), "xoxb-test", Duration.ZERO,
                    (method, outcome) -> {
                        if (outcome.equals("ok")) {
                            ok.incrementAndGet();
                        }
                    });
            int rounds = 8;
            int perRound = 2 * Poster.MAX_IN_FLIGHT; // more than the gate lets through: every place in use
            for (int round = 0; round < rounds; round++) {
                List<Thread> callers = new ArrayList<>();
                for (int i = 0; i < perRound; i++) {
                    String channel = "C" + round + "x" + i;
                    callers.add(Thread.ofVirtual().start(() -> {
                        try {
                            poster.post(channel, null, SlackRender.note("hello"));
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    }));
                }
                for (Thread t : callers) {
                    t.join();
                }
            }
            assertThat(ok.get()).isEqualTo(rounds * perRound);
            // The client's default pool keeps five idle connections: each burst would open new ones for the rest
            // (with the real Slack each a TLS handshake).
            assertThat(fake.apiConnections()).isBetween(1, Poster.MAX_IN_FLIGHT);
        }
    }
}
