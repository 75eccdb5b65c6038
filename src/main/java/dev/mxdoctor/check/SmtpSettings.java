package dev.mxdoctor.check;

import dev.mxdoctor.smtp.Dialer;
import dev.mxdoctor.smtp.Pinger;
import dev.mxdoctor.smtp.Timeouts;
import dev.mxdoctor.smtp.TlsSettings;
import java.net.InetSocketAddress;
import java.util.Optional;

/**
 * How checks talk SMTP: the dialer (with its target policy), TLS trust, stage deadlines and identity.
 *
 * @param port the port of MX hosts (MXDOCTOR_SMTP_PORT, 25)
 * @param helo the name announced in EHLO/HELO (MXDOCTOR_HELO)
 * @param mailFrom the default envelope sender (MXDOCTOR_MAIL_FROM)
 * @param allowSend whether {@code smtptest --send} may send DATA (MXDOCTOR_ALLOW_SEND)
 * @param control a mail server known to answer, probed when every MX times out (MXDOCTOR_CONTROL_HOST)
 */
public record SmtpSettings(
        Dialer dialer,
        TlsSettings tls,
        Timeouts timeouts,
        Pinger pinger,
        int port,
        String helo,
        String mailFrom,
        boolean allowSend,
        Optional<InetSocketAddress> control) {

    /** The same settings for another SMTP port ({@code via host:port}). */
    SmtpSettings withPort(int newPort) {
        return new SmtpSettings(dialer, tls, timeouts, pinger, newPort, helo, mailFrom, allowSend, control);
    }
}
