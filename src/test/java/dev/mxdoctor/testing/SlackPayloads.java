package dev.mxdoctor.testing;

import com.google.gson.JsonObject;

/** What Slack sends for a slash command and for an event, as the fake Slack delivers them. */
public final class SlackPayloads {

    private SlackPayloads() {}

    public static JsonObject slash(String command, String text, String channel, String user, String responseUrl) {
        JsonObject p = new JsonObject();
        p.addProperty("token", "legacy");
        p.addProperty("team_id", "T0FAKE");
        p.addProperty("team_domain", "fake");
        p.addProperty("channel_id", channel);
        p.addProperty("channel_name", "incidents");
        p.addProperty("user_id", user);
        p.addProperty("user_name", user.toLowerCase(java.util.Locale.ROOT));
        p.addProperty("command", command);
        p.addProperty("text", text);
        p.addProperty("api_app_id", "A0FAKE");
        p.addProperty("response_url", responseUrl);
        p.addProperty("trigger_id", "trigger");
        return p;
    }

    public static JsonObject event(String eventId, JsonObject event) {
        JsonObject p = new JsonObject();
        p.addProperty("token", "legacy");
        p.addProperty("team_id", "T0FAKE");
        p.addProperty("api_app_id", "A0FAKE");
        p.add("event", event);
        p.addProperty("type", "event_callback");
        p.addProperty("event_id", eventId);
        p.addProperty("event_time", 1700000000);
        return p;
    }

    public static JsonObject mention(String text, String channel, String user, String ts, String threadTs) {
        JsonObject e = new JsonObject();
        e.addProperty("type", "app_mention");
        e.addProperty("user", user);
        e.addProperty("text", text);
        e.addProperty("ts", ts);
        if (threadTs != null) {
            e.addProperty("thread_ts", threadTs);
        }
        e.addProperty("channel", channel);
        e.addProperty("event_ts", ts);
        return e;
    }

    /** A button click ("block_actions") by {@code user} on a message at {@code messageTs} in {@code channel}. */
    public static JsonObject click(String user, String channel, String messageTs, String actionId, String value,
            String responseUrl) {
        JsonObject p = new JsonObject();
        p.addProperty("type", "block_actions");
        JsonObject u = new JsonObject();
        u.addProperty("id", user);
        u.addProperty("username", user.toLowerCase(java.util.Locale.ROOT));
        u.addProperty("team_id", "T0FAKE");
        p.add("user", u);
        p.addProperty("api_app_id", "A0FAKE");
        p.add("team", com.google.gson.JsonParser.parseString("{\"id\":\"T0FAKE\",\"domain\":\"fake\"}"));
        JsonObject container = new JsonObject();
        container.addProperty("type", "message");
        container.addProperty("message_ts", messageTs);
        container.addProperty("channel_id", channel);
        container.addProperty("is_ephemeral", false);
        p.add("container", container);
        JsonObject ch = new JsonObject();
        ch.addProperty("id", channel);
        ch.addProperty("name", "incidents");
        p.add("channel", ch);
        p.addProperty("trigger_id", "trigger");
        p.addProperty("response_url", responseUrl);
        com.google.gson.JsonArray actions = new com.google.gson.JsonArray();
        JsonObject a = new JsonObject();
        a.addProperty("action_id", actionId);
        a.addProperty("block_id", "b");
        a.addProperty("type", "button");
        a.addProperty("value", value);
        a.addProperty("action_ts", "1700000001.0");
        actions.add(a);
        p.add("actions", actions);
        return p;
    }
}
