package dev.mxdoctor.diagnosis;

import static dev.mxdoctor.diagnosis.Severity.CRITICAL;
import static dev.mxdoctor.diagnosis.Severity.ERROR;
import static dev.mxdoctor.diagnosis.Severity.INFO;
import static dev.mxdoctor.diagnosis.Severity.WARNING;

import java.util.List;

/**
 * The findings catalogue: every stable code with its usual severity, what it means, what to do and where the
 * rule comes from. {@code docs/findings.md} is generated from this enum (a test keeps the two identical).
 */
public enum FindingCode {
    // DNS
    DOMAIN_NXDOMAIN(Group.DNS, CRITICAL, "The domain does not exist",
            "The resolver answered NXDOMAIN for the domain: no record of any type exists under this name, so "
                    + "no mail can be delivered to it.",
            "Check the spelling of the domain. If it should exist, check its registration and delegation "
                    + "(whois, the parent zone's NS records).",
            "RFC 5321 5.1", "RFC 8020"),
    DNS_SERVFAIL(Group.DNS, ERROR, "The resolver could not answer (SERVFAIL)",
            "The resolver answered SERVFAIL: it could not get an answer from the domain's name servers. "
                    + "Common causes are broken DNSSEC signatures, unreachable or lame name servers. Senders "
                    + "queue the mail and retry, so delivery is delayed, not refused. mxdoctor then tells which: it "
                    + "asks again with DNSSEC checking disabled (an answer means `DNSSEC_BOGUS`) and follows the "
                    + "delegation itself, asking each of the domain's name servers (the walk is the evidence).",
            "Follow the finding that names the cause (`DNSSEC_BOGUS`, `DNS_NS_UNRESPONSIVE`); when the domain's "
                    + "servers answer directly, the resolver is at fault: ask through another one.",
            "RFC 5321 5.1", "RFC 1035 4.1.1"),
    DNSSEC_BOGUS(Group.DNS, CRITICAL, "DNSSEC validation fails",
            "An answer about the domain (its MX records, a mail host's addresses, its TLSA records) fails "
                    + "DNSSEC validation: expired or missing signatures, or keys that do not match the DS "
                    + "record at the parent. Every validating resolver answers SERVFAIL, so senders whose resolvers "
                    + "validate (a large share of mail) cannot deliver at all, DANE or not.",
            "Re-sign the zone (check the signer's cron or key rollover), or make the DS records at the parent "
                    + "(registrar) match the zone's key-signing key; check with `dig +dnssec` and a DNSSEC analyser.",
            "RFC 4035 5", "RFC 7672 2.1.1"),
    DNS_TIMEOUT(Group.DNS, ERROR, "DNS look-up timed out",
            "No answer arrived from the resolver within the deadline, after retries. The domain's name servers "
                    + "may be down or unreachable, or the resolver mxdoctor uses may be.",
            "Try another resolver (`@1.1.1.1` style) to tell the two apart; check the domain's name servers.",
            "RFC 1035 4.2.1"),
    DNS_REFUSED(Group.DNS, ERROR, "The resolver refused the query",
            "The resolver answered REFUSED: it does not serve this client or this name (an access list, or an "
                    + "authoritative-only server used as a resolver).",
            "Point mxdoctor at a recursive resolver that serves it (MXDOCTOR_DNS or @resolver).",
            "RFC 1035 4.1.1"),
    DNS_REFERRAL(Group.DNS, ERROR, "The resolver answered with a referral",
            "The server handed back a referral (NS records, no answer): it is not doing recursion for mxdoctor, "
                    + "so it cannot be used as a resolver. mxdoctor follows the referral itself, so the report "
                    + "still says whether the domain's name servers answer.",
            "Use a recursive resolver (MXDOCTOR_DNS or @resolver); ask authoritative servers only with `dns`.",
            "RFC 1034 4.3.1"),
    DNS_ERROR(Group.DNS, ERROR, "The DNS look-up failed",
            "The question got no usable reply: the resolver could not be reached (port unreachable, no route), "
                    + "or it answered with an error such as FORMERR or NOTIMP, or with a malformed message. This "
                    + "says nothing about the domain yet.",
            "Check that the resolver mxdoctor uses is running and reachable (MXDOCTOR_DNS or @resolver).",
            "RFC 1035 4.1.1"),
    DNS_ANSWERS_DIFFER(Group.DNS, WARNING, "The domain's name servers disagree",
            "Asked directly, the authoritative name servers of the zone give different MX answers or SOA serials. "
                    + "Depending on which server a sender asks, mail goes to different places: typically an "
                    + "unfinished migration or a secondary that stopped transferring the zone.",
            "Make every name server serve the same zone: check zone transfers (NOTIFY/AXFR/IXFR) and the serials; "
                    + "after a provider move, update the delegation at the registrar.",
            "RFC 1034 4.3.5", "RFC 1996"),
    DNS_NS_UNRESPONSIVE(Group.DNS, WARNING, "A name server of the zone does not answer",
            "One of the zone's name servers, asked directly, did not answer, or is lame: named for the zone, it "
                    + "refuses it or answers with a referral. Resolvers fail over, but look-ups get slower and a "
                    + "second failure makes the domain unreachable. When the resolver failed, mxdoctor follows the "
                    + "delegation itself (as `dig +trace`): if no server the zone is delegated to answers, every "
                    + "resolver fails alike and the finding is critical.",
            "Fix or remove the name server from the delegation (parent zone and the zone's own NS records).",
            "RFC 1034 4.3.5", "RFC 2182"),
    // MX
    MX_NONE_IMPLICIT(Group.MX, WARNING, "No MX records: mail goes to the domain's own address",
            "The domain has no MX records, so senders use the implicit MX: the domain's own A/AAAA address, "
                    + "as if it were an MX of preference 0. That works, but usually by accident: the web server "
                    + "rarely is a mail server.",
            "Publish MX records that name the real mail servers; if the domain sends no mail and receives none, "
                    + "publish a null MX (`MX 0 .`).",
            "RFC 5321 5.1"),
    MX_NONE_NO_ADDRESS(Group.MX, CRITICAL, "No MX records and no address",
            "The domain exists but has neither MX records nor an A/AAAA address to fall back to: there is nowhere "
                    + "to deliver mail, and senders bounce it.",
            "Publish MX records naming the mail servers (or a null MX if the domain takes no mail).",
            "RFC 5321 5.1"),
    MX_NULL(Group.MX, ERROR, "Null MX: the domain accepts no mail",
            "The domain publishes a null MX (`MX 0 .`): it declares that it accepts no mail. Senders must bounce "
                    + "at once (556 5.1.10) without trying its address records. Intended for domains that only "
                    + "send (or send nothing); every message to it fails, so it is an error when mail is expected.",
            "Nothing to fix if that is intended. If the domain should receive mail, replace the null MX with "
                    + "real MX records; a null MX must be the only MX record.",
            "RFC 7505"),
    MX_TARGET_NO_ADDRESS(Group.MX, ERROR, "An MX host has no address",
            "An MX record names a host that has neither an A nor an AAAA record. Senders cannot use it and move "
                    + "on to the next host; if it is the only one, mail is not delivered.",
            "Add the host's A/AAAA records, or correct the MX record to name a host that has them.",
            "RFC 5321 5.1"),
    MX_TARGET_CNAME(Group.MX, WARNING, "An MX host is an alias (CNAME)",
            "The MX record names an alias rather than a host: MX targets must not be CNAMEs. Most senders follow "
                    + "it anyway, some refuse, and it costs an extra look-up.",
            "Point the MX record at the canonical host name the alias leads to.",
            "RFC 2181 10.3", "RFC 5321 5.1"),
    MX_TARGET_IP_LITERAL(Group.MX, ERROR, "An MX record names an IP address",
            "The MX target is an IP address written as a name. MX targets must be host names; senders look it up "
                    + "as a name, find nothing, and cannot use it.",
            "Give the mail server a host name with an A/AAAA record and name that in the MX record.",
            "RFC 5321 5.1", "RFC 1035 3.3.9"),
    MX_EQUAL_PREFERENCE(Group.MX, INFO, "Several MX hosts share a preference",
            "Several MX hosts have the same preference: senders pick among them in random order, which spreads "
                    + "the load. Every one of them must be able to accept the domain's mail.",
            "Nothing to fix if they are equivalent; if one is a backup, give it a higher preference number.",
            "RFC 5321 5.1"),
    MX_IPV6_ONLY(Group.MX, ERROR, "The mail hosts have IPv6 addresses only",
            "Every MX host of the domain has only IPv6 addresses: senders with IPv4 only (most of them) cannot "
                    + "connect at all, so their mail waits in their queues and bounces after some days.",
            "Give at least one MX host an IPv4 address (an A record for it, and the server listening on it).",
            "RFC 5321 5.2", "RFC 3974"),
    MX_SINGLE_HOST(Group.MX, INFO, "The only MX host is down",
            "All of the domain's mail goes to one host with one address, and that address cannot take mail now. "
                    + "Reported only then: a single MX is normal, and senders queue mail for days while it is down.",
            "Bring the host back; nothing is lost meanwhile, senders retry. A second MX helps only if it stores and "
                    + "forwards for the domain and knows its recipients (or accepts and queues all of them): a "
                    + "backup that refuses the domain's mail turns a delay into bounces.",
            "RFC 5321 5.1", "RFC 5321 4.5.4.1"),
    // Connection
    SMTP_CONNECT_REFUSED(Group.CONNECTION, ERROR, "Port 25 refused the connection",
            "The host answered, so it is up, but nothing listens on the SMTP port (connection refused/reset at "
                    + "connect). A refusal is quick: senders move on to the next MX at once.",
            "Check that the mail server is running and listens on the public address; check the firewall.",
            "RFC 5321 3.1"),
    SMTP_CONNECT_TIMEOUT(Group.CONNECTION, ERROR, "No answer on port 25",
            "The connection attempt to port 25 got no answer within the deadline: the host is down, or a "
                    + "firewall drops the traffic on the way (at the destination or where mxdoctor runs). Silence "
                    + "is costly: every sender waits out its own connection timeout (30 s to 5 minutes) on every "
                    + "delivery attempt before it tries the next MX.",
            "Check whether the host is up; compare with another network, since many providers block outbound "
                    + "port 25.",
            "RFC 5321 3.1"),
    SMTP_BANNER_TIMEOUT(Group.CONNECTION, ERROR, "No greeting from the server",
            "The connection was accepted, but no greeting (220) arrived before the deadline.",
            "Check the server's load and its connection limits; a tarpit may delay on purpose for minutes.",
            "RFC 5321 4.5.3.2"),
    SMTP_BANNER_SLOW(Group.CONNECTION, INFO, "The greeting arrived late",
            "The server's greeting took several seconds. Deliberate greeting delays are common anti-spam "
                    + "measures (RFC 5321 allows 5 minutes); real senders wait.",
            "Nothing to fix unless the delay is unintended (overloaded server, slow reverse DNS look-ups).",
            "RFC 5321 4.5.3.2"),
    SMTP_SERVICE_UNAVAILABLE(Group.CONNECTION, ERROR, "The server refused service at the greeting",
            "The server greeted with 421 (service not available, closing) or 554 (no SMTP service here).",
            "421 is temporary (load, connection limits); a 554 greeting is usually a block of the connecting IP.",
            "RFC 5321 4.2", "RFC 5321 3.1"),
    SMTP_PROTOCOL_ERROR(Group.CONNECTION, ERROR, "The server does not speak SMTP properly",
            "What came back is not a valid SMTP reply (garbage, an HTTP server on port 25, an endless line).",
            "Check what listens on the port; a proxy or load balancer in front of it may be misconfigured.",
            "RFC 5321 4.2"),
    SMTP_REPLY_TIMEOUT(Group.CONNECTION, ERROR, "The server stopped answering",
            "The server greeted, but one of its replies did not arrive before the deadline.",
            "Check the server's load and logs; content or DNS checks that hang delay replies.",
            "RFC 5321 4.5.3.2"),
    SMTP_DISCONNECTED(Group.CONNECTION, ERROR, "The server closed the connection",
            "The server closed or reset the connection in the middle of the dialogue without a reply.",
            "Often a policy drop (blocklist) or a middlebox; check the server's logs for the connecting IP.",
            "RFC 5321 3.8"),
    NO_ROUTE_FROM_HERE(Group.CONNECTION, INFO, "Address not probed: no route from here",
            "This machine has no route to the address (typically: no IPv6 connectivity where mxdoctor runs), so the "
                    + "address was not tried. That says nothing about the mail host; senders with such a route "
                    + "use it, the others use the host's other addresses.",
            "Run the check from a network with IPv6 to test these addresses too.",
            "RFC 5321 5.1"),
    PORT25_BLOCKED_OUTBOUND(Group.CONNECTION, CRITICAL, "Outbound port 25 seems blocked where mxdoctor runs",
            "Every mail host times out on port 25 while DNS works, and so do other known-good hosts: the network "
                    + "mxdoctor runs in probably blocks outbound port 25 (cloud providers do).",
            "Run the check from another network before blaming the destination; ask the provider to unblock "
                    + "port 25 for this host.",
            "RFC 5321 3.1"),
    MX_PRIMARY_UNREACHABLE(Group.CONNECTION, ERROR, "The primary MX is unreachable",
            "The most preferred MX host cannot be reached; senders fall back to the next ones.",
            "Bring the primary back; check that the backups really accept the domain's mail meanwhile.",
            "RFC 5321 5.1"),
    MX_ALL_UNREACHABLE(Group.CONNECTION, CRITICAL, "No MX host can take mail",
            "No MX host of the domain could take mail: none answered on port 25, or those that answered turned the "
                    + "mail away. Senders queue it and bounce it after some days (at once for permanent refusals). "
                    + "Only a warning when every host refuses for now (421) and retries will get through.",
            "Bring at least one mail host back; if none answers at all, check outbound port 25 from here first; if "
                    + "they answer and refuse, fix what each host's own finding says.",
            "RFC 5321 5.1"),
    MX_ALL_REFUSING_FOR_NOW(Group.CONNECTION, WARNING, "Every MX host refuses for now",
            "Every MX host answered on port 25 with a temporary refusal (421: load, connection limits). Senders "
                    + "queue the mail and retry; it gets through once the condition passes.",
            "Nothing is lost; if it lasts for hours, the servers' logs say why they turn connections away.",
            "RFC 5321 4.2.5"),
    // TLS
    TLS_NOT_OFFERED(Group.TLS, WARNING, "STARTTLS is not offered",
            "The server does not advertise STARTTLS: mail to it travels unencrypted.",
            "Enable STARTTLS with a certificate for the MX host name.",
            "RFC 3207", "RFC 8314"),
    TLS_HANDSHAKE_FAILED(Group.TLS, ERROR, "The TLS handshake failed",
            "The server offered STARTTLS but the handshake failed; most senders then retry in clear text, "
                    + "but those requiring TLS (MTA-STS, DANE) do not deliver.",
            "Check the server's TLS configuration: protocols, ciphers and the certificate chain.",
            "RFC 3207"),
    TLS_CERT_UNTRUSTED(Group.TLS, WARNING, "The certificate is not trusted",
            "The server's certificate does not validate against the trusted roots (self-signed, unknown CA, or "
                    + "missing intermediate).",
            "Use a certificate from a public CA and serve the full chain.",
            "RFC 8461 4.2", "RFC 7672"),
    TLS_CERT_NAME_MISMATCH(Group.TLS, WARNING, "The certificate does not name the MX host",
            "The certificate's names do not include the MX host name mxdoctor connected to.",
            "Add the MX host name to the certificate's subject alternative names.",
            "RFC 8461 4.2", "RFC 6125"),
    TLS_CERT_EXPIRED(Group.TLS, ERROR, "The certificate has expired",
            "The server's certificate is past its expiry date (or not yet valid).",
            "Renew the certificate and reload the mail server.",
            "RFC 5280 4.1.2.5"),
    TLS_OLD_PROTOCOL(Group.TLS, WARNING, "An outdated TLS version was negotiated",
            "The TLS session uses TLS 1.0 or 1.1, deprecated and refused by many senders.",
            "Enable TLS 1.2 and 1.3 on the server.",
            "RFC 8996"),
    // Envelope
    RCPT_ACCEPTED(Group.ENVELOPE, INFO, "The recipient was accepted",
            "The server accepted RCPT TO for the address. This does not prove the mailbox exists: catch-all "
                    + "servers accept everything and bounce later.",
            "Nothing to fix at the envelope stage.",
            "RFC 5321 3.3"),
    RCPT_USER_UNKNOWN(Group.ENVELOPE, ERROR, "The recipient does not exist",
            "The server refused the recipient as unknown (550 5.1.1 and similar).",
            "Check the address's spelling; ask the recipient's administrator whether the mailbox exists.",
            "RFC 5321 4.2.2", "RFC 3463 3.2"),
    RCPT_MAILBOX_FULL(Group.ENVELOPE, WARNING, "The recipient's mailbox is full",
            "The server reported the mailbox over quota (452/552 with 4.2.2 or 5.2.2): a temporary condition; "
                    + "senders retry.",
            "Tell the recipient to make room; the sender's queue retries.",
            "RFC 5321 4.5.3.1.10", "RFC 3463 3.3"),
    RELAY_DENIED(Group.ENVELOPE, ERROR, "The server refuses to relay for the domain",
            "The server is not configured to accept mail for this domain (\"Relay access denied\"): either the "
                    + "MX points at the wrong server, or the domain is not set up there.",
            "Configure the domain on the server (relay_domains/virtual domains), or fix the MX record.",
            "RFC 5321 3.6"),
    BACKUP_MX_RELAY_DENIED(Group.ENVELOPE, CRITICAL, "The backup MX refuses to relay for the domain",
            "The primary MX is unreachable and the backup MX refuses the domain's recipients: the classic "
                    + "provider backup MX that does not store and forward. Mail bounces instead of queueing.",
            "Configure the backup MX to accept and queue the domain's mail, or remove it from the MX records.",
            "RFC 5321 5.1"),
    BLOCKLISTED_BY_RECEIVER(Group.ENVELOPE, ERROR, "The receiver rejects the sending IP as blocklisted",
            "The receiver's reply names a blocklist: the problem is the sending side's IP address, not the "
                    + "recipient.",
            "Look the IP up on the named list, fix the cause (compromised host, missing PTR, bad neighbours) and "
                    + "request delisting; relay through a clean smarthost meanwhile.",
            "RFC 5782"),
    GREYLISTED(Group.ENVELOPE, INFO, "The receiver greylists",
            "The receiver answered with a temporary refusal typical of greylisting. A real MTA retries and "
                    + "gets through, usually within minutes.",
            "Nothing to fix: retries succeed. Sending from a pool of IPs resets the greylisting timer.",
            "RFC 6647"),
    SENDER_NOT_AUTHENTICATED(Group.ENVELOPE, ERROR, "The receiver refused the sender's authentication",
            "The receiver refused because of who sends, not whom to: SPF failed (5.7.23), reverse DNS failed "
                    + "(5.7.25), DMARC or several checks failed (5.7.26), DKIM (5.7.20-22), the sending rate (5.7.28) "
                    + "or \"sender not authenticated\" texts. Without `from` the sender is mxdoctor's own probe "
                    + "identity and address: the recipient's domain is not at fault.",
            "Without `from`: nothing to fix at the recipient; test as your real sender (`from you@your.domain`, "
                    + "from your mail server's network). With `from`: fix that domain's SPF record to authorise the "
                    + "sending IP, sign with DKIM, align DMARC, and give the IP a PTR that resolves back.",
            "RFC 7372", "RFC 7208", "RFC 7489"),
    MX_REQUIRES_AUTHENTICATION(Group.ENVELOPE, CRITICAL, "The MX demands authentication: nobody can deliver",
            "The MX host answered MAIL FROM on port 25 with \"authentication required\" (530 5.7.0): it is set up "
                    + "as a submission server. Other domains' servers never authenticate to an MX, so every sender's "
                    + "mail to the domain fails.",
            "Let the MX accept mail for its own domains without authentication on port 25 (Postfix: "
                    + "smtpd_recipient_restrictions with reject_unauth_destination, not permit_sasl_authenticated "
                    + "alone; Exchange: anonymous on the receive connector); keep authentication for port 587.",
            "RFC 5321 3.3", "RFC 6409", "RFC 4954 6"),
    RCPT_MAILBOX_DISABLED(Group.ENVELOPE, ERROR, "The recipient's mailbox is disabled",
            "The mailbox exists but is disabled and does not accept mail (5.2.1, or an account disabled or "
                    + "suspended): not the same as an unknown address.",
            "Ask the recipient's administrator to re-enable the account, or use the person's new address.",
            "RFC 3463 3.3"),
    SENDER_REJECTED(Group.ENVELOPE, ERROR, "The envelope sender was refused",
            "The server refused MAIL FROM: the sender domain may fail verification, have a null MX, or be "
                    + "blocked.",
            "Use a sender address whose domain resolves and accepts bounces (MXDOCTOR_MAIL_FROM or `from`).",
            "RFC 5321 4.2.2"),
    POLICY_REJECTED(Group.ENVELOPE, ERROR, "The receiver refused on policy",
            "The server refused for a policy reason (authentication, reverse DNS, reputation, TLS required).",
            "Read the reply text: it usually names the policy; fix SPF/DKIM/DMARC, PTR or TLS as it says.",
            "RFC 3463 3.8"),
    TEMPORARY_FAILURE(Group.ENVELOPE, WARNING, "The receiver answered with a temporary failure",
            "A 4xx reply: the server refuses for now and a sender retries later.",
            "Usually nothing to do; if it persists for hours, the reply text says why.",
            "RFC 5321 4.2.1"),
    OPEN_RELAY(Group.ENVELOPE, CRITICAL, "The server is an open relay",
            "The server accepted, at RCPT TO, a recipient in a domain it does not serve from a sender outside its "
                    + "domains, in the form named (plain, or an address trick such as user%host@ that old relays "
                    + "resolve into a foreign recipient). Spammers scan for open relays and find them within hours; "
                    + "then the host's address is blocklisted and its own mail refused everywhere.",
            "Restrict relaying at once to authenticated clients and the server's own networks (Postfix: "
                    + "smtpd_relay_restrictions = permit_mynetworks, permit_sasl_authenticated, "
                    + "reject_unauth_destination; check mynetworks is not 0.0.0.0/0), reject address tricks (Postfix "
                    + "allow_percent_hack, swap_bangpath; Exim percent_hack_domains), then check its queue and the "
                    + "blocklists (`blocklist` on its address).",
            "RFC 5321 3.6", "RFC 2505"),
    // Names
    PTR_MISSING(Group.NAMES, WARNING, "The address has no reverse DNS",
            "The IP address has no PTR record. Many receivers refuse mail from addresses without one.",
            "Ask the address's owner (the hosting provider) to publish a PTR naming the mail host.",
            "RFC 1912 2.1"),
    PTR_MISMATCH(Group.NAMES, WARNING, "Reverse DNS does not match forward DNS",
            "The PTR name does not resolve back to the same address (not forward-confirmed).",
            "Change the address's PTR to the mail host's own name (one whose A/AAAA is this address), and announce "
                    + "that name in HELO/EHLO; do not repoint an unrelated name at the address.",
            "RFC 1912 2.1", "RFC 5321 4.1.4"),
    BANNER_HOSTNAME_MISMATCH(Group.NAMES, INFO, "The greeting names another host",
            "The host name in the server's greeting differs from the MX host name and its PTR name.",
            "Cosmetic for most receivers; align the greeting name with the PTR name.",
            "RFC 5321 4.3.1"),
    // Safety
    TARGET_NOT_ALLOWED(Group.SAFETY, WARNING, "Address not probed: not allowed by configuration",
            "The address is loopback, private, link-local or otherwise not public, and mxdoctor does not probe "
                    + "such addresses unless MXDOCTOR_ALLOW_TARGETS includes them.",
            "If the address is really meant to be probed (an internal relay), add its CIDR to "
                    + "MXDOCTOR_ALLOW_TARGETS. An MX pointing at a private address is itself a mistake for "
                    + "internet mail.",
            "RFC 6890"),
    // mxdoctor itself
    CHECK_INCOMPLETE(Group.MXDOCTOR, WARNING, "Part of the check failed inside mxdoctor",
            "mxdoctor itself failed while checking one part (an address, a look-up); that part is missing from "
                    + "the report and says nothing about the domain. The rest of the report stands.",
            "Run the check again; if it fails the same way, report the error id in the finding to mxdoctor's "
                    + "maintainers (the log has the details under that id)."),
    RUN_DEADLINE_REACHED(Group.MXDOCTOR, WARNING, "The check ran out of time before this host finished",
            "The run's own deadline (--timeout, or MXDOCTOR_TIMEOUT) came while the dialogue with this address was "
                    + "still waiting; what it would have answered is unknown. Servers may be slow on purpose: a "
                    + "tarpit delays its greeting, which RFC 5321 allows for up to five minutes.",
            "Run the check again with a longer --timeout; if the host is slow every time, that is worth knowing "
                    + "too (senders wait, but their queues grow).",
            "RFC 5321 4.5.3.2"),
    // Blocklists
    IP_BLOCKLISTED(Group.BLOCKLISTS, ERROR, "The address is on a DNS blocklist",
            "A DNS blocklist lists the IP address. Receivers that use the list refuse mail from it (often with a "
                    + "554 or 550 naming the list) or file it as spam. The listing's code says why: on Spamhaus ZEN, "
                    + "SBL and CSS mean spam seen from it, XBL a compromised host, PBL an address that should not "
                    + "send to MX hosts directly.",
            "Fix the cause first (a compromised machine, an open relay, a form sending spam; for PBL, send through "
                    + "the provider's or your own mail server), then ask the list for removal where it says; some "
                    + "lists expire listings by themselves.",
            "RFC 5782"),
    DOMAIN_BLOCKLISTED(Group.BLOCKLISTS, ERROR, "The domain is on a DNS blocklist",
            "A domain blocklist (such as Spamhaus DBL) lists the domain: receivers refuse or mark mail that "
                    + "carries it in its sender, links or headers.",
            "Find why it was listed (the list's lookup page says), fix it (a compromised site, a spammed "
                    + "redirector), then ask for removal.",
            "RFC 5782"),
    DNSBL_QUERY_REFUSED(Group.BLOCKLISTS, WARNING, "The blocklist refused to answer",
            "The list answered with an error code instead of a listing: Spamhaus answers 127.255.255.254 to "
                    + "queries that come through a public or open resolver, 127.255.255.255 to a resolver over its "
                    + "free limit, 127.255.255.252 to a wrong zone name. This is not a listing; it means the list "
                    + "could not be asked.",
            "Ask through a resolver of your own (MXDOCTOR_DNS or @resolver), not a public one; for Spamhaus, a Data "
                    + "Query Service key (MXDOCTOR_SPAMHAUS_DQS_KEY) works through any resolver.",
            "RFC 5782"),
    DNSBL_UNRELIABLE(Group.BLOCKLISTS, WARNING, "The blocklist's answers cannot be trusted",
            "The list failed its own test entries (RFC 5782 5): it lists 127.0.0.1 or INVALID, which no working list "
                    + "does (it answers yes to everything: a closed list whose zone now points elsewhere), or it "
                    + "does not list 127.0.0.2 or TEST (closed, or not answering this resolver). Its answers for "
                    + "the address asked are shown but prove nothing.",
            "Remove the list from MXDOCTOR_DNSBLS (and from receivers' configurations: a list that lists "
                    + "everything makes them refuse all mail), or ask its operator.",
            "RFC 5782 5"),
    DNSBL_NO_ANSWER(Group.BLOCKLISTS, WARNING, "The blocklist did not answer",
            "No answer came from the list (through the resolver) in time, or the resolver answered SERVFAIL: "
                    + "whether it lists the address is unknown.",
            "Try again later, or through another resolver; a list that never answers may have closed.",
            "RFC 5782"),
    // Policy
    SPF_MISSING(Group.POLICY, WARNING, "No SPF record",
            "The domain publishes no `v=spf1` TXT record: receivers cannot tell which servers may send its mail, "
                    + "and mail from it fails the checks big receivers require.",
            "Publish one `v=spf1` TXT record listing the servers and services that send for the domain, ending in "
                    + "`-all` or `~all`. Gmail and Yahoo require SPF and DKIM of bulk senders (Google's email sender "
                    + "guidelines, https://support.google.com/a/answer/81126).",
            "RFC 7208 4.5"),
    SPF_MULTIPLE_RECORDS(Group.POLICY, ERROR, "More than one SPF record",
            "The domain publishes several `v=spf1` records: SPF evaluation ends in permerror and receivers treat "
                    + "its mail as failing SPF.",
            "Merge them into one record (one `v=spf1`, the mechanisms of both, one `all` at the end).",
            "RFC 7208 4.5"),
    SPF_TOO_MANY_LOOKUPS(Group.POLICY, ERROR, "SPF needs more than 10 DNS look-ups",
            "Evaluating the record takes more than 10 DNS-querying terms (include, a, mx, ptr, exists, redirect, "
                    + "counted through every include): receivers stop with permerror and treat the mail as failing "
                    + "SPF. The detail names what spends them.",
            "Remove includes of services no longer used, replace `a` and `mx` by `ip4`/`ip6` where the addresses are "
                    + "stable, or ask a provider for a flatter include.",
            "RFC 7208 4.6.4"),
    SPF_VOID_LOOKUPS(Group.POLICY, ERROR, "SPF has more than 2 void look-ups",
            "More than two of the record's DNS look-ups find nothing (NXDOMAIN or no records): receivers may stop "
                    + "with permerror.",
            "Remove the terms that point at names that no longer exist.",
            "RFC 7208 4.6.4"),
    SPF_SYNTAX(Group.POLICY, ERROR, "SPF record syntax error",
            "A term of the SPF record does not parse (the detail says which and why); receivers stop with "
                    + "permerror.",
            "Correct the term; `v=spf1 ip4:192.0.2.0/24 include:_spf.example.net -all` shows the forms.",
            "RFC 7208 12"),
    SPF_PERMERROR(Group.POLICY, ERROR, "SPF evaluation ends in permerror",
            "Following the record leads to an error receivers cannot get past (the detail says where): an include or "
                    + "redirect of a name with no SPF record or with several, an include loop, or an mx term finding "
                    + "more than 10 hosts. Receivers treat the mail as failing SPF.",
            "Fix or remove the term the detail names (an include of a provider that moved, a typo in a name).",
            "RFC 7208 5.2", "RFC 7208 6.1"),
    SPF_ALL_PERMISSIVE(Group.POLICY, WARNING, "SPF lets anyone send",
            "The record ends in `+all` (anyone passes: error severity) or `?all` or no `all` at all (neutral: the "
                    + "record proves nothing about senders it does not list).",
            "End the record in `-all` (or `~all` while checking that every sender is listed).",
            "RFC 7208 5.1"),
    SPF_PTR(Group.POLICY, WARNING, "SPF uses ptr",
            "The `ptr` mechanism is slow, unreliable and discouraged; large receivers may skip it, so the senders "
                    + "it was meant to allow fail.",
            "Replace it with `ip4`/`ip6` or `a` for the hosts it meant.",
            "RFC 7208 5.5"),
    DMARC_MISSING(Group.POLICY, WARNING, "No DMARC record",
            "Neither the domain nor its organisational domain publishes a `_dmarc` record: receivers apply no "
                    + "policy to mail that fails SPF and DKIM, and Gmail and Yahoo refuse bulk mail from domains "
                    + "without one.",
            "Publish `_dmarc.<domain>` TXT `v=DMARC1; p=none; rua=mailto:dmarc@<domain>`, read the reports, then "
                    + "move to quarantine or reject. Gmail and Yahoo require DMARC (p=none at least) of bulk senders "
                    + "(https://support.google.com/a/answer/81126).",
            "RFC 7489 6.1"),
    DMARC_POLICY_NONE(Group.POLICY, INFO, "DMARC policy is none",
            "DMARC is in monitoring mode: receivers report failures but take no action on them.",
            "Move to quarantine or reject when the reports show all legitimate mail aligned.", "RFC 7489 6.3"),
    DMARC_SYNTAX(Group.POLICY, ERROR, "DMARC record syntax error",
            "The DMARC record does not parse or has an invalid tag (the detail says which): receivers may ignore it "
                    + "and apply no policy.",
            "Correct the record: `v=DMARC1` first, then `p=` (none, quarantine or reject) and the optional tags.",
            "RFC 7489 6.4"),
    DMARC_REPORTS_UNAUTHORIZED(Group.POLICY, WARNING, "DMARC reports go to a domain that has not agreed",
            "A `rua`/`ruf` address is in another organisation's domain, which publishes no authorisation record "
                    + "(`<domain>._report._dmarc.<other domain>`): receivers do not send it the reports.",
            "Ask the report receiver to publish the authorisation record, or send reports to an address in the "
                    + "domain itself.",
            "RFC 7489 7.1"),
    DKIM_KEY_MISSING(Group.POLICY, WARNING, "No DKIM key at the selector",
            "No `v=DKIM1` key is published at `<selector>._domainkey.<domain>` for the selector asked (or for any "
                    + "of the common selectors, when none was named): signatures with it fail.",
            "Publish the key your signing service gives you, or name the selector your mail is signed with (its "
                    + "DKIM-Signature header's s= tag): `auth <domain> <selector>`.",
            "RFC 6376 3.6.2"),
    DKIM_KEY_WEAK(Group.POLICY, WARNING, "The DKIM key is weak or broken",
            "The RSA key is shorter than 2048 bits: 1024 bits is weak (warning), shorter keys are refused by "
                    + "receivers (error), or the key does not parse at all (error).",
            "Generate a 2048-bit key, publish it at a new selector, switch signing to it, then revoke the old one "
                    + "(empty p=).",
            "RFC 8301 3.2"),
    TLSRPT_INVALID(Group.POLICY, WARNING, "TLS-RPT record is missing or invalid",
            "The domain has no valid `_smtp._tls` TLS-RPT record (or several, or one without rua): sending servers "
                    + "cannot report TLS failures delivering to it (info when simply absent).",
            "Publish `_smtp._tls.<domain>` TXT `v=TLSRPTv1; rua=mailto:tlsrpt@<domain>`.",
            "RFC 8460 3"),
    MTA_STS_INVALID(Group.POLICY, ERROR, "MTA-STS policy is invalid",
            "The `_mta-sts` record is malformed, or the policy cannot be fetched as senders must fetch it (HTTPS to "
                    + "mta-sts.<domain> with a certificate valid for that name, HTTP 200, no redirect), or it is "
                    + "malformed, or its `mx` patterns leave out MX hosts: in enforce mode, senders that honour the "
                    + "policy do not deliver to those hosts.",
            "Fix the policy file (version, mode, mx lines covering every MX host, max_age) or its web server, then "
                    + "change the record's id so that senders fetch it again.",
            "RFC 8461 3", "RFC 8461 4.1"),
    DANE_TLSA_MISMATCH(Group.POLICY, CRITICAL, "DANE TLSA records do not match the certificate",
            "The MX host publishes DNSSEC-secure TLSA records (`_25._tcp.<host>`), and none of the usable ones matches "
                    + "the certificate chain the host presents after STARTTLS: senders that use DANE (Postfix and Exim "
                    + "with DANE on, many European providers, Microsoft 365 outbound) do not deliver to it; they "
                    + "queue and retry until the mail bounces. Usually a certificate or key was renewed and the "
                    + "records were not.",
            "Publish the record the finding gives for the key the host now uses (`3 1 1` = its public key's "
                    + "SHA-256), or put back the certificate the records name. Roll keys over with two records: the "
                    + "new one published at least two TTLs before the new key is served.",
            "RFC 7672 2.2", "RFC 7671 8"),
    DANE_TLS_UNAVAILABLE(Group.POLICY, CRITICAL, "DANE host without working STARTTLS",
            "The MX host publishes DNSSEC-secure TLSA records but does not offer STARTTLS, refuses it, or the TLS "
                    + "handshake fails: a DANE sender must not fall back to clear text, so it does not deliver there.",
            "Turn STARTTLS back on (or fix the certificate and key the server loads), or withdraw the TLSA records "
                    + "first and wait out their TTL before switching TLS off.",
            "RFC 7672 2.2"),
    DANE_TLSA_INSECURE(Group.POLICY, WARNING, "TLSA records that DANE senders cannot use",
            "TLSA records are published for an MX host, but some answer leading to them (the domain's MX records, the "
                    + "host's addresses, or the TLSA records) is not DNSSEC-signed with a chain of trust from the root: "
                    + "senders apply DANE only to secure records, so these protect nothing.",
            "Sign the zones involved (and publish their DS records at the parent), or remove the TLSA records.",
            "RFC 7672 2.2"),
    DANE_TLSA_UNUSABLE(Group.POLICY, WARNING, "TLSA records with no usage SMTP accepts",
            "The host's secure TLSA records use only PKIX-TA (0) or PKIX-EE (1), or selectors and matching types "
                    + "that do not exist: SMTP senders ignore those, so they insist on TLS but authenticate nothing.",
            "Publish `3 1 1` (DANE-EE, the public key's SHA-256) or `2 1 1` (DANE-TA, the issuing CA's key).",
            "RFC 7672 3.1.3"),
    DANE_UNVERIFIED(Group.POLICY, INFO, "DNSSEC could not be checked through this resolver",
            "Answers failed validation even for the trust anchor's own zone: the resolver mxdoctor asks does not pass "
                    + "the DNSSEC records (signatures and keys) on, so nothing can be said of the domain's DANE.",
            "Point mxdoctor at a resolver that passes DNSSEC records (MXDOCTOR_DNS or @resolver); most public and "
                    + "ISP resolvers do.",
            "RFC 4035 3.2");

    /** The catalogue's sections. */
    public enum Group {
        DNS("DNS"),
        MX("MX records"),
        CONNECTION("Connection"),
        TLS("TLS"),
        ENVELOPE("Envelope"),
        NAMES("Names"),
        SAFETY("Safety"),
        BLOCKLISTS("Blocklists"),
        POLICY("Policy"),
        MXDOCTOR("mxdoctor itself");

        private final String title;

        Group(String title) {
            this.title = title;
        }

        public String title() {
            return title;
        }
    }

    private final Group group;
    private final Severity severity;
    private final String title;
    private final String meaning;
    private final String advice;
    private final List<String> refs;

    FindingCode(Group group, Severity severity, String title, String meaning, String advice, String... refs) {
        this.group = group;
        this.severity = severity;
        this.title = title;
        this.meaning = meaning;
        this.advice = advice;
        this.refs = List.of(refs);
    }

    public Group group() {
        return group;
    }

    /** The usual severity; a rule may raise or lower it for a particular case. */
    public Severity severity() {
        return severity;
    }

    public String title() {
        return title;
    }

    public String meaning() {
        return meaning;
    }

    public String advice() {
        return advice;
    }

    public List<String> refs() {
        return refs;
    }

    /** The anchor of this code's entry in docs/findings.md. */
    public String anchor() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
