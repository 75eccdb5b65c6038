package dev.mxdoctor.check;

import dev.mxdoctor.smtp.Dialer;
import dev.mxdoctor.smtp.Pinger;
import dev.mxdoctor.smtp.Timeouts;
import dev.mxdoctor.smtp.TlsSettings;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;

/**
 * How checks talk SMTP: the dialer (with its target policy), TLS trust, stage deadlines and identity.
 *
 * @param port the port of MX hosts (MXDOCTOR_SMTP_PORT, 25)
 * @param helo the name announced in EHLO/HELO (MXDOCTOR_HELO)
 * @param mailFrom the default envelope sender (MXDOCTOR_MAIL_FROM)
 * @param allowSend whether {@code smtptest --send} may send DATA (MXDOCTOR_ALLOW_SEND)
 * @param sendDomains the only recipient domains DATA may go to, with their subdomains (MXDOCTOR_SEND_DOMAINS); empty
 *     for any
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
        List<String> sendDomains,
        Optional<InetSocketAddress> control) {

    /** Why DATA may not go to {@code recipientDomain}, or empty when it may. */
    public Optional<String> sendRefusal(String recipientDomain) {
        if (!allowSend) {
            return Optional.of("MXDOCTOR_ALLOW_SEND is not true");
        }
        if (!sendDomains.isEmpty() && sendDomains.stream().noneMatch(d -> recipientDomain.equals(d)
                || recipientDomain.endsWith("." + d))) {
            return Optional.of(recipientDomain + " is not among MXDOCTOR_SEND_DOMAINS");
        }
        return Optional.empty();
    }

    /** The same settings for another SMTP port ({@code via host:port}). */
    SmtpSettings withPort(int newPort) {
        return new SmtpSettings(dialer, tls, timeouts, pinger, newPort, helo, mailFrom, allowSend, sendDomains,
                control);
    }
}
