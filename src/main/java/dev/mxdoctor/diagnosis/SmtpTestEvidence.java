package dev.mxdoctor.diagnosis;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What an {@code smtptest} saw: the DNS evidence (with every address's dialogue up to RCPT), the order in which a
 * sending MTA would try the addresses, and the address where it would have handed the message over.
 *
 * @param senderGiven whether the user named the sender ({@code from}); otherwise it is mxdoctor's probe identity
 * @param order every probe in the order an MTA tries them (preference, equal preferences shuffled)
 * @param deliveryPoint the first address in that order that took the envelope (greeted, answered MAIL)
 * @param sendRequested whether {@code --send} was given
 * @param sendRefusal why configuration does not allow DATA here (MXDOCTOR_ALLOW_SEND, MXDOCTOR_SEND_DOMAINS), if not
 * @param via whether the MX look-up was skipped for a given host
 */
public record SmtpTestEvidence(
        MxEvidence mx,
        String recipient,
        String sender,
        boolean senderGiven,
        List<AddressProbe> order,
        Optional<AddressProbe> deliveryPoint,
        boolean sendRequested,
        Optional<String> sendRefusal,
        boolean via) {

    public SmtpTestEvidence {
        Objects.requireNonNull(mx, "mx");
        order = List.copyOf(order);
        Objects.requireNonNull(deliveryPoint, "deliveryPoint");
    }

    /** The address an MTA would stop at: it greeted and answered MAIL FROM (whatever it said to RCPT). */
    public static Optional<AddressProbe> deliveryPoint(List<AddressProbe> order) {
        return order.stream().filter(p -> p.speaksSmtp() && p.mail().isPresent()).findFirst();
    }
}
