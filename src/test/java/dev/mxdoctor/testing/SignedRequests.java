package dev.mxdoctor.testing;

import com.slack.api.app_backend.SlackSignature;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;

/** Requests as Slack's servers send them to an app in HTTP mode: signed with the app's signing secret. */
public final class SignedRequests {

    private static final HttpClient CLIENT = HttpClient.newHttpClient();

    private SignedRequests() {}

    /**
     * POSTs {@code body} to {@code /slack/events} on {@code port}, signed at {@code timestamp}; {@code retry} above
     * zero marks it as Slack's redelivery of an event it thinks was lost.
     */
    public static HttpResponse<String> post(int port, String contentType, String body, long timestamp, String secret,
            int retry) throws Exception {
        String signature = new SlackSignature.Generator(secret).generate(String.valueOf(timestamp), body);
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/slack/events"))
                .header("Content-Type", contentType)
                .header("X-Slack-Request-Timestamp", String.valueOf(timestamp))
                .header("X-Slack-Signature", signature)
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (retry > 0) {
            request.header("X-Slack-Retry-Num", String.valueOf(retry)).header("X-Slack-Retry-Reason", "http_timeout");
        }
        return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** An Events API delivery, signed now. */
    public static HttpResponse<String> event(int port, String json, String secret, int retry) throws Exception {
        return post(port, "application/json", json, Instant.now().getEpochSecond(), secret, retry);
    }
}
