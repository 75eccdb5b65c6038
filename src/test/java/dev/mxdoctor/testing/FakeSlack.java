package dev.mxdoctor.testing;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.java_websocket.WebSocket;
import org.java_websocket.handshake.ClientHandshake;
import org.java_websocket.server.WebSocketServer;

/**
 * A local Slack for end-to-end tests: the Web API methods mxdoctor calls (recorded), response_url endpoints, and a
 * Socket Mode WebSocket server behind {@code apps.connections.open} that says hello, sends envelopes and records
 * the acks. Failures are scriptable: a channel the bot is not in, HTTP 429 with Retry-After.
 */
public final class FakeSlack implements AutoCloseable {

    /** One Web API call or response_url post, as received. */
    public record Call(String method, Map<String, String> params, String token, long atNanos, String ts) {
        public String param(String name) {
            return params.get(name);
        }
    }

    private final HttpServer http;
    private final Socket socket;
    private final List<Call> calls = new ArrayList<>();
    private final List<String> socketMessages = new ArrayList<>();
    private final Set<String> notInChannel = ConcurrentHashMap.newKeySet();
    private final Map<String, Set<String>> members = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> rateLimited = new ConcurrentHashMap<>();
    private final AtomicInteger ts = new AtomicInteger(1000);
    private final Set<InetSocketAddress> apiConnections = ConcurrentHashMap.newKeySet();
    private volatile int retryAfterSeconds = 1;
    private final List<Refusal> refusals = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final Map<String, java.util.concurrent.CountDownLatch> holds = new ConcurrentHashMap<>();
    private final List<java.util.function.Consumer<String>> socketListeners =
            new java.util.concurrent.CopyOnWriteArrayList<>();
    private final List<java.util.function.Consumer<Call>> listeners =
            new java.util.concurrent.CopyOnWriteArrayList<>();

    private record Refusal(String method, java.util.function.Predicate<Map<String, String>> when, String error,
            AtomicInteger times) {}

    private final java.util.concurrent.ExecutorService handlers = Executors.newCachedThreadPool(
            HarnessCpu.factory("slack-"));

    public FakeSlack() {
        try {
            http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 100);
            // Platform threads, not virtual ones: Slack's servers are not in the bot's scheduler, and a fake on the
            // bot's carrier threads would queue behind its work and make the bot look slower than it is.
            http.setExecutor(handlers);
            http.createContext("/api/", this::api);
            http.createContext("/response/", this::responseUrl);
            http.start();
            socket = new Socket(new InetSocketAddress("127.0.0.1", 0));
            socket.setReuseAddr(true);
            socket.start();
            socket.started.await();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The base URL of the Web API, for SLACK_API_URL. */
    public String apiUrl() {
        return "http://127.0.0.1:" + http.getAddress().getPort() + "/api/";
    }

    /** A response_url this fake records posts to. */
    public String responseUrl(String id) {
        return "http://127.0.0.1:" + http.getAddress().getPort() + "/response/" + id;
    }

    /** The bot is not a member of this channel: chat.postMessage answers not_in_channel. */
    /** Makes {@code user} a member of these conversations (users.conversations answers with them). */
    public void member(String user, String... channels) {
        members.computeIfAbsent(user, u -> ConcurrentHashMap.newKeySet()).addAll(List.of(channels));
    }

    public void notInChannel(String channel) {
        notInChannel.add(channel);
    }

    /** The next {@code times} calls of {@code method} get HTTP 429 with Retry-After. */
    public void rateLimit(String method, int times, int retryAfter) {
        this.retryAfterSeconds = retryAfter;
        rateLimited.put(method, new AtomicInteger(times));
    }

    /** The next {@code times} calls of {@code method} whose parameters match {@code when} answer ok:false. */
    public void refuse(String method, java.util.function.Predicate<Map<String, String>> when, String error,
            int times) {
        refusals.add(new Refusal(method, when, error, new AtomicInteger(times)));
    }

    private java.util.Optional<String> refusal(String method, Map<String, String> params) {
        for (Refusal r : refusals) {
            if (r.method().equals(method) && r.when().test(params) && r.times().getAndDecrement() > 0) {
                return java.util.Optional.of(r.error());
            }
        }
        return java.util.Optional.empty();
    }

    /**
     * Holds every call of {@code method} (Slack slow to answer) until the returned latch is counted down; a held call
     * is recorded when it is answered.
     */
    public java.util.concurrent.CountDownLatch hold(String method) {
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        holds.put(method, release);
        return release;
    }

    private void api(HttpExchange exchange) throws IOException {
        apiConnections.add(exchange.getRemoteAddress());
        try (exchange) {
            String method = exchange.getRequestURI().getPath().substring("/api/".length());
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Map<String, String> params = form(body);
            java.util.concurrent.CountDownLatch held = holds.get(method);
            if (held != null) {
                try {
                    held.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            String auth = exchange.getRequestHeaders().getFirst("Authorization");
            String token = auth == null ? params.get("token") : auth.replace("Bearer ", "");
            AtomicInteger limited = rateLimited.get(method);
            if (limited != null && limited.getAndDecrement() > 0) {
                record(new Call(method + " (429)", params, token, System.nanoTime(), null));
                exchange.getResponseHeaders().set("Retry-After", String.valueOf(retryAfterSeconds));
                send(exchange, 429, "{\"ok\":false,\"error\":\"ratelimited\"}");
                return;
            }
            JsonObject r = new JsonObject();
            r.addProperty("ok", true);
            java.util.Optional<String> refused = refusal(method, params);
            if (refused.isPresent()) {
                r.addProperty("ok", false);
                r.addProperty("error", refused.get());
                record(new Call(method + " (" + refused.get() + ")", params, token, System.nanoTime(), null));
                send(exchange, 200, r.toString());
                return;
            }
            switch (method) {
                case "auth.test" -> {
                    r.addProperty("url", "https://fake.slack.test/");
                    r.addProperty("team", "Fake");
                    r.addProperty("user", "mxdoctor");
                    r.addProperty("team_id", "T0FAKE");
                    r.addProperty("user_id", "U0BOT");
                    r.addProperty("bot_id", "B0BOT");
                }
                case "chat.postMessage" -> {
                    String channel = params.get("channel");
                    if (notInChannel.contains(channel)) {
                        r.addProperty("ok", false);
                        r.addProperty("error", "not_in_channel");
                    } else {
                        r.addProperty("channel", channel);
                        r.addProperty("ts", nextTs());
                    }
                }
                case "chat.update" -> {
                    r.addProperty("channel", params.get("channel"));
                    r.addProperty("ts", params.get("ts"));
                }
                case "chat.postEphemeral" -> r.addProperty("message_ts", nextTs());
                case "users.conversations" -> {
                    com.google.gson.JsonArray channels = new com.google.gson.JsonArray();
                    members.getOrDefault(params.get("user"), Set.of()).forEach(id -> {
                        JsonObject c = new JsonObject();
                        c.addProperty("id", id);
                        channels.add(c);
                    });
                    r.add("channels", channels);
                    JsonObject meta = new JsonObject();
                    meta.addProperty("next_cursor", "");
                    r.add("response_metadata", meta);
                }
                case "apps.connections.open" -> r.addProperty("url", "ws://127.0.0.1:" + socket.getPort() + "/link");
                default -> {}
            }
            record(new Call(method, params, token, System.nanoTime(), r.has("ts") ? r.get("ts").getAsString() : null));
            send(exchange, 200, r.toString());
        }
    }

    private void responseUrl(HttpExchange exchange) throws IOException {
        try (exchange) {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            JsonObject json = JsonParser.parseString(body).getAsJsonObject();
            Map<String, String> params = new HashMap<>();
            json.entrySet().forEach(e -> params.put(e.getKey(), e.getValue().isJsonPrimitive()
                    ? e.getValue().getAsString() : e.getValue().toString()));
            record(new Call("response_url:" + exchange.getRequestURI().getPath().substring("/response/".length()),
                    params, null, System.nanoTime(), null));
            send(exchange, 200, "ok");
        }
    }

    private String nextTs() {
        return "1700000000." + String.format("%06d", ts.incrementAndGet());
    }

    private void record(Call c) {
        synchronized (this) {
            calls.add(c);
            notifyAll();
        }
        listeners.forEach(l -> l.accept(c));
    }

    /** How many TCP connections Web API calls came over so far (each client address and port once). */
    public int apiConnections() {
        return apiConnections.size();
    }

    /** Every call so far, in order. */
    public synchronized List<Call> calls() {
        return List.copyOf(calls);
    }

    /** The calls of one method. */
    public synchronized List<Call> calls(String method) {
        return calls.stream().filter(c -> c.method().equals(method)).toList();
    }

    /**
     * Waits until {@code condition} holds for the calls, or fails after {@code timeout}. The condition is tested on a
     * copy, outside the lock: a slow condition never holds up the calls being answered.
     */
    public List<Call> await(Predicate<List<Call>> condition, Duration timeout, String what)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        int tested = -1;
        while (true) {
            List<Call> snapshot;
            synchronized (this) {
                while (calls.size() == tested) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        throw new AssertionError("timed out waiting for " + what + "; calls: " + calls);
                    }
                    wait(Math.max(1, left / 1_000_000));
                }
                snapshot = List.copyOf(calls);
            }
            if (condition.test(snapshot)) {
                return snapshot;
            }
            tested = snapshot.size();
        }
    }

    /**
     * Calls {@code listener} with every call from now on, as it is recorded (for benchmarks, which must not scan
     * thousands of calls on every new one while the bot works).
     */
    public void onCall(java.util.function.Consumer<Call> listener) {
        listeners.add(listener);
    }

    /** Calls {@code listener} with every message the app sends over Socket Mode from now on, as it arrives. */
    public void onSocketMessage(java.util.function.Consumer<String> listener) {
        socketListeners.add(listener);
    }

    /** Sends a Socket Mode envelope to the connected app; returns its envelope id. */
    public String sendEnvelope(String type, JsonObject payload, int retryAttempt) throws InterruptedException {
        String id = "env-" + ts.incrementAndGet();
        JsonObject envelope = new JsonObject();
        envelope.addProperty("envelope_id", id);
        envelope.addProperty("type", type);
        envelope.addProperty("accepts_response_payload", type.equals("slash_commands"));
        envelope.add("payload", payload);
        if (type.equals("events_api")) {
            envelope.addProperty("retry_attempt", retryAttempt);
            envelope.addProperty("retry_reason", retryAttempt > 0 ? "timeout" : "");
        }
        socket.awaitConnection();
        socket.connection.send(envelope.toString());
        return id;
    }

    /** Waits for the app's ack of an envelope and returns it. */
    public JsonObject awaitAck(String envelopeId, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (socketMessages) {
            while (true) {
                for (String m : socketMessages) {
                    JsonObject o = JsonParser.parseString(m).getAsJsonObject();
                    if (o.has("envelope_id") && o.get("envelope_id").getAsString().equals(envelopeId)) {
                        return o;
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("no ack for " + envelopeId + "; got " + socketMessages);
                }
                socketMessages.wait(Math.max(1, left / 1_000_000));
            }
        }
    }

    private static Map<String, String> form(String body) {
        Map<String, String> out = new HashMap<>();
        if (body.isEmpty()) {
            return out;
        }
        if (body.startsWith("{")) {
            JsonParser.parseString(body).getAsJsonObject().entrySet().forEach(e -> out.put(e.getKey(),
                    e.getValue().isJsonPrimitive() ? e.getValue().getAsString() : e.getValue().toString()));
            return out;
        }
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                out.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    private static void send(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** The Socket Mode end: one connection at a time is enough for the tests. */
    private final class Socket extends WebSocketServer {
        final java.util.concurrent.CountDownLatch started = new java.util.concurrent.CountDownLatch(1);
        volatile WebSocket connection;

        Socket(InetSocketAddress address) {
            super(address);
        }

        synchronized void awaitConnection() throws InterruptedException {
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (connection == null || !connection.isOpen()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("the app never connected over Socket Mode");
                }
                wait(Math.max(1, left / 1_000_000));
            }
        }

        @Override
        public void onOpen(WebSocket conn, ClientHandshake handshake) {
            conn.send("{\"type\":\"hello\",\"num_connections\":1,\"debug_info\":{\"host\":\"fake\"},"
                    + "\"connection_info\":{\"app_id\":\"A0FAKE\"}}");
            synchronized (this) {
                connection = conn;
                notifyAll();
            }
        }

        @Override
        public void onClose(WebSocket conn, int code, String reason, boolean remote) {}

        @Override
        public void onMessage(WebSocket conn, String message) {
            synchronized (socketMessages) {
                socketMessages.add(message);
                socketMessages.notifyAll();
            }
            socketListeners.forEach(l -> l.accept(message));
        }

        @Override
        public void onError(WebSocket conn, Exception ex) {}

        @Override
        public void onStart() {
            started.countDown();
        }
    }

    @Override
    public void close() {
        http.stop(0);
        handlers.shutdownNow();
        try {
            socket.stop(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
