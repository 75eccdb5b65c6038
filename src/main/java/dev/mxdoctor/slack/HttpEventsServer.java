package dev.mxdoctor.slack;

import com.slack.api.bolt.App;
import com.slack.api.bolt.request.Request;
import com.slack.api.bolt.request.RequestHeaders;
import com.slack.api.bolt.response.Response;
import com.slack.api.bolt.util.SlackRequestParser;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * HTTP mode: Slack's requests on {@code /slack/events} handed to the Bolt app (which verifies the signature over
 * the raw body), plus {@code /health} and {@code /metrics}. The JDK's HTTP server is enough; no servlet container.
 */
final class HttpEventsServer implements AutoCloseable {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(HttpEventsServer.class);

    /** The largest request body read; Slack's events, commands and interactions are far smaller. */
    static final int MAX_BODY_BYTES = 256 * 1024;

    private final HttpServer server;

    HttpEventsServer(App app, InetSocketAddress address, Supplier<String> metrics) throws IOException {
        SlackRequestParser parser = new SlackRequestParser(app.config());
        server = HttpServer.create(address, 200);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
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
                            exchange.getRemoteAddress().getAddress().getHostAddress());
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
                        .remoteAddress(exchange.getRemoteAddress().getAddress().getHostAddress())
                        .build());
                Response response = app.run(request);
                response.getHeaders().forEach((k, v) -> exchange.getResponseHeaders().put(k, v));
                send(exchange, response.getStatusCode(), response.getContentType(), response.getBody());
            } catch (Exception e) {
                send(exchange, 500, "text/plain", "internal error");
            }
        });
        server.createContext("/health", exchange -> {
            try (exchange) {
                send(exchange, 200, "text/plain", "ok");
            }
        });
        server.createContext("/metrics", exchange -> {
            try (exchange) {
                send(exchange, 200, "text/plain; version=0.0.4", metrics.get());
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
    }
}
