package dev.mxdoctor.slack;

import com.slack.api.bolt.App;
import com.slack.api.bolt.request.Request;
import com.slack.api.bolt.request.RequestHeaders;
import com.slack.api.bolt.response.Response;
import com.slack.api.bolt.util.SlackRequestParser;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.mxdoctor.dns.Addresses;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The bot's HTTP server: Slack's requests on {@code /slack/events} (HTTP mode) handed to the Bolt app, which verifies
 * the signature over the raw body, and the operations endpoints {@code /healthz} (the process answers),
 * {@code /readyz} (ready for work: 200 or 503 with the reason) and {@code /metrics} (Prometheus). Either part may be
 * left out, so that the events can face the internet on one port and operations stay on another. The JDK's HTTP
 * server is enough; no servlet container.
 */
final class BotHttpServer implements AutoCloseable {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(BotHttpServer.class);

    /** What the operations endpoints report. */
    interface Operations {
        /** Empty when ready for work; otherwise why not. */
        java.util.Optional<String> notReady();

        String metrics();
    }

    /** The largest request body read; Slack's events, commands and interactions are far smaller. */
    static final int MAX_BODY_BYTES = 256 * 1024;

    /**
     * Connections waiting to be accepted. A burst beyond the backlog has its SYNs dropped, and each is retried by the
     * sender a second later; the kernel caps it at net.core.somaxconn (4096 on current kernels).
     */
    static final int BACKLOG = 1024;

    private final HttpServer server;
    private final java.util.concurrent.ExecutorService handlers = AckThreads.create("slack-http-",
            AckThreads.MAX_PLATFORM);

    BotHttpServer(InetSocketAddress address, @Nullable App events, @Nullable Operations operations)
            throws IOException {
        server = HttpServer.create(address, BACKLOG);
        server.setExecutor(handlers);
        if (events != null) {
            serveEvents(events);
        }
        if (operations != null) {
            serveOperations(operations);
        }
    }

    private void serveEvents(App app) {
        SlackRequestParser parser = new SlackRequestParser(app.config());
        server.createContext("/slack/events", exchange -> {
            try (exchange) {
                if (!exchange.getRequestMethod().equals("POST")) {
                    send(exchange, 405, "text/plain", "POST only");
                    return;
                }
                // Read before the signature can be checked, so bounded: Slack's own payloads are a few kilobytes.
                byte[] raw = exchange.getRequestBody().readNBytes(MAX_BODY_BYTES + 1);
                if (raw.length > MAX_BODY_BYTES) {
                    LOG.warn("refused a request of more than {} bytes from {}", MAX_BODY_BYTES,
                            Addresses.text(exchange.getRemoteAddress().getAddress()));
                    send(exchange, 413, "text/plain", "request too large");
                    return;
                }
                String body = new String(raw, StandardCharsets.UTF_8);
                Map<String, List<String>> headers = new HashMap<>();
                exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(java.util.Locale.ROOT),
                        v));
                Request<?> request = parser.parse(SlackRequestParser.HttpRequest.builder()
                        .requestUri(exchange.getRequestURI().getPath())
                        .queryString(query(exchange.getRequestURI().getRawQuery()))
                        .headers(new RequestHeaders(headers))
                        .requestBody(body)
                        .remoteAddress(Addresses.text(exchange.getRemoteAddress().getAddress()))
                        .build());
                Response response = app.run(request);
                response.getHeaders().forEach((k, v) -> exchange.getResponseHeaders().put(k, v));
                send(exchange, response.getStatusCode(), response.getContentType(), response.getBody());
            } catch (Exception e) {
                send(exchange, 500, "text/plain", "internal error");
            }
        });
    }

    private void serveOperations(Operations operations) {
        server.createContext("/healthz", exchange -> {
            try (exchange) {
                send(exchange, 200, "text/plain", "ok\n");
            }
        });
        server.createContext("/readyz", exchange -> {
            try (exchange) {
                java.util.Optional<String> why = operations.notReady();
                send(exchange, why.isEmpty() ? 200 : 503, "text/plain", why.map(w -> "not ready: " + w)
                        .orElse("ready") + "\n");
            }
        });
        server.createContext("/metrics", exchange -> {
            try (exchange) {
                send(exchange, 200, "text/plain; version=0.0.4; charset=utf-8", operations.metrics());
            } catch (RuntimeException e) {
                LOG.warn("/metrics failed: {}", e.toString());
            }
        });
    }

    void start() {
        server.start();
    }

    int port() {
        return server.getAddress().getPort();
    }

    private static Map<String, List<String>> query(String raw) {
        Map<String, List<String>> out = new HashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            out.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
        }
        return out;
    }

    private static void send(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        byte[] bytes = (body == null ? "" : body).getBytes(StandardCharsets.UTF_8);
        if (contentType != null) {
            exchange.getResponseHeaders().set("Content-Type", contentType);
        }
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    @Override
    public void close() {
        server.stop(1);
        handlers.shutdownNow();
    }
}
