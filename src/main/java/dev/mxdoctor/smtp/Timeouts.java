package dev.mxdoctor.smtp;

import java.time.Duration;

/**
 * Deadlines for each stage of a dialogue. RFC 5321 4.5.3.2 lets a sender wait 5 minutes for a greeting or a reply;
 * nobody waits that long in a chat, so the defaults are shorter but generous enough for deliberate greeting delays
 * (Postfix's postscreen, tarpits), which mxdoctor measures rather than cuts short.
 *
 * @param connect TCP connection (default 10 s)
 * @param greeting the 220 greeting (default 30 s; a greeting after 5 s is reported as slow, not as a failure)
 * @param command each command's reply (default 30 s)
 * @param dataEnd the reply after the message's final dot (default 60 s)
 * @param slowGreeting a greeting later than this is reported as SMTP_BANNER_SLOW (default 5 s)
 */
public record Timeouts(Duration connect, Duration greeting, Duration command, Duration dataEnd,
        Duration slowGreeting) {

    public static final Timeouts DEFAULTS = new Timeouts(Duration.ofSeconds(10), Duration.ofSeconds(30),
            Duration.ofSeconds(30), Duration.ofSeconds(60), Duration.ofSeconds(5));
}
