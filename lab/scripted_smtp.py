#!/usr/bin/env python3
"""The lab's scripted SMTP server: what real servers will not do on demand.

Each listen address has one behaviour:
  garbage    answers like an HTTP server
  silent     accepts the connection and never speaks
  slow       greets after a delay (a deliberate tarpit), then accepts everything and discards it
  busy       greets with 421 and closes
  dropmail   closes the connection right after MAIL FROM
  spf        refuses the sender at MAIL FROM as failing SPF (550 5.7.23)
  submission demands authentication at MAIL FROM, like a submission server (530 5.7.0)
  disabled   refuses every recipient as a disabled mailbox (550 5.2.1)
Usage: scripted_smtp.py ADDRESS:PORT:BEHAVIOUR [...]
Nothing received is stored or forwarded.
"""
import asyncio
import sys

SLOW_GREETING_SECONDS = 6


# Scripted refusals: behaviour -> {verb: reply}; "{arg}" is what the client put in angle brackets.
REFUSALS = {
    "spf": {"MAIL": "550 5.7.23 <{arg}>: Sender address rejected: SPF validation failed (mxdoctor lab)"},
    "submission": {"MAIL": "530 5.7.0 Authentication required"},
    "disabled": {"RCPT": "550 5.2.1 <{arg}>: Recipient address rejected: Mailbox disabled, not accepting messages"},
}


async def dialogue(reader, writer, name, drop_after_mail=False, refusals=None):
    refusals = refusals or {}
    writer.write(f"220 {name} ESMTP mxdoctor lab scripted server\r\n".encode())
    await writer.drain()
    in_data = False
    while True:
        line = await reader.readline()
        if not line:
            break
        text = line.decode("utf-8", "replace").rstrip("\r\n")
        if in_data:
            if text == ".":
                in_data = False
                writer.write(b"250 2.0.0 Ok: discarded\r\n")
            continue
        verb = text.split(" ", 1)[0].split(":", 1)[0].upper()
        if verb in refusals:
            arg = text[text.find("<") + 1:text.find(">")] if "<" in text and ">" in text else ""
            writer.write((refusals[verb].replace("{arg}", arg) + "\r\n").encode())
        elif verb == "EHLO":
            writer.write(f"250-{name}\r\n250-PIPELINING\r\n250 8BITMIME\r\n".encode())
        elif verb == "HELO":
            writer.write(f"250 {name}\r\n".encode())
        elif verb == "MAIL":
            if drop_after_mail:
                writer.close()
                return
            writer.write(b"250 2.1.0 Ok\r\n")
        elif verb == "RCPT":
            writer.write(b"250 2.1.5 Ok\r\n")
        elif verb == "DATA":
            writer.write(b"354 End data with <CR><LF>.<CR><LF>\r\n")
            in_data = True
        elif verb == "QUIT":
            writer.write(b"221 2.0.0 Bye\r\n")
            await writer.drain()
            break
        else:
            writer.write(b"250 2.0.0 Ok\r\n")
        await writer.drain()
    writer.close()


def handler(behaviour, name):
    async def handle(reader, writer):
        try:
            if behaviour == "garbage":
                writer.write(b"HTTP/1.1 400 Bad Request\r\nContent-Type: text/html\r\n\r\n<h1>400</h1>\r\n")
                await writer.drain()
                writer.close()
            elif behaviour == "silent":
                await reader.read()  # until the client gives up
                writer.close()
            elif behaviour == "slow":
                await asyncio.sleep(SLOW_GREETING_SECONDS)
                await dialogue(reader, writer, name)
            elif behaviour == "busy":
                writer.write(f"421 4.7.0 {name} Too many connections, try again later\r\n".encode())
                await writer.drain()
                writer.close()
            elif behaviour == "dropmail":
                await dialogue(reader, writer, name, drop_after_mail=True)
            elif behaviour in REFUSALS:
                await dialogue(reader, writer, name, refusals=REFUSALS[behaviour])
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
    return handle


async def main(specs):
    servers = []
    for spec in specs:
        address, port, behaviour = spec.rsplit(":", 2)
        name = f"mx-{behaviour}.lab.test"
        servers.append(await asyncio.start_server(handler(behaviour, name), address, int(port)))
    await asyncio.gather(*(s.serve_forever() for s in servers))


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1:]))
