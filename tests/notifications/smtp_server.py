"""A small real SMTP server on a loopback port, for tests that send through Django's SMTP backend.

It speaks enough of RFC 5321 for smtplib (EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT),
keeps what it accepted, and answers RCPT for chosen addresses with a chosen reply, e.g.
451 (try again later) or 550 (no such mailbox)."""

from __future__ import annotations

import socketserver
import threading
from email import message_from_bytes, policy


class SMTPServer:
    def __init__(self):
        self.received: list = []  # email.message.EmailMessage objects, in order
        self.replies: dict[str, str] = {}  # address -> RCPT reply, e.g. "451 4.2.0 Mailbox busy"
        owner = self

        class Handler(socketserver.StreamRequestHandler):
            def handle(self):
                def say(line):
                    self.wfile.write(line.encode() + b"\r\n")
                    self.wfile.flush()

                say("220 localhost test SMTP")
                recipients = []
                while True:
                    raw = self.rfile.readline()
                    if not raw:
                        return
                    line = raw.decode("utf-8", "replace").rstrip("\r\n")
                    verb = line[:4].upper()
                    if verb == "EHLO":
                        say("250-localhost")
                        say("250 8BITMIME")
                    elif verb == "HELO":
                        say("250 localhost")
                    elif verb == "MAIL":
                        recipients = []
                        say("250 OK")
                    elif verb == "RCPT":
                        address = line.split(":", 1)[1].strip().strip("<>")
                        reply = owner.replies.get(address)
                        if reply:
                            say(reply)
                        else:
                            recipients.append(address)
                            say("250 OK")
                    elif verb == "DATA":
                        say("354 End data with <CR><LF>.<CR><LF>")
                        data = []
                        while (chunk := self.rfile.readline()) not in (b".\r\n", b""):
                            data.append(chunk[1:] if chunk.startswith(b"..") else chunk)
                        owner.received.append(message_from_bytes(b"".join(data), policy=policy.default))
                        say("250 OK queued")
                    elif verb in ("RSET", "NOOP"):
                        recipients = []
                        say("250 OK")
                    elif verb == "QUIT":
                        say("221 Bye")
                        return
                    else:
                        say("502 Command not implemented")

        class Server(socketserver.ThreadingTCPServer):
            allow_reuse_address = True
            daemon_threads = True

        self._server = Server(("127.0.0.1", 0), Handler)
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._server.shutdown()
        self._server.server_close()

    def recipients(self) -> list[str]:
        return [message["To"] for message in self.received]
