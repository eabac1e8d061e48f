"""A real SMTP server for the mail tests: what the site sends arrives over a socket, as
it would at the mail provider, and the tests read it back from `smtp_server.received`."""

import asyncio
import email
import email.policy
import logging
import re
import socket
from dataclasses import dataclass

import pytest
from aiosmtpd.controller import Controller


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list
    message: email.message.EmailMessage

    @property
    def body(self):
        # Lines end in CRLF on the wire; compare text with Python's newlines.
        content = self.message.get_body(preferencelist=("plain",)).get_content()
        return content.replace("\r\n", "\n")

    @property
    def links(self):
        return re.findall(r"https?://\S+", self.body)


class Inbox:
    """An aiosmtpd handler that keeps every message, counts SMTP sessions, refuses the
    addresses in `refuse` with the answer given there ("550 No such user"), and takes
    `delay` seconds over each message, as a real server does."""

    def __init__(self):
        self.received = []
        self.sessions = 0
        self.refuse = {}
        self.delay = 0

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        self.sessions += 1
        session.host_name = hostname
        return responses

    async def handle_HELO(self, server, session, envelope, hostname):
        self.sessions += 1
        session.host_name = hostname
        return f"250 {server.hostname}"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower() in self.refuse:
            return self.refuse[address.lower()]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        await asyncio.sleep(self.delay)
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"


class SMTPServer:
    def __init__(self, port):
        self.port = port
        self.inbox = Inbox()
        self.controller = None
        self.options = {}

    @property
    def received(self):
        return self.inbox.received

    @property
    def sessions(self):
        return self.inbox.sessions

    def to(self, address):
        """The messages whose envelope went to `address`."""
        return [message for message in self.received if address in message.rcpt_tos]

    def refuse(self, address, answer="550 No such user"):
        self.inbox.refuse[address.lower()] = answer

    def start(self):
        self.controller = Controller(
            self.inbox, hostname="127.0.0.1", port=self.port, **self.options
        )
        self.controller.start()

    def stop(self):
        """Stop listening: the port is then closed, as when the mail server is down."""
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server(settings):
    # aiosmtpd logs every command at INFO, to "mail.log": keep failures' output readable.
    logger = logging.getLogger("mail.log")
    level = logger.level
    logger.setLevel(logging.WARNING)
    server = SMTPServer(free_port())
    server.start()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": server.port, "use_tls": False, "timeout": 5},
        }
    }
    yield server
    server.stop()
    logger.setLevel(level)
