"""A real SMTP server for the mail tests: what the site sends arrives over a socket, as
it would at the mail provider, and the tests read it back from `smtp_server.received`.

The server itself (Received, Inbox, SMTPServer) lives in tests/helpers.py, which the
browser tests in tests/ share.
"""

import pytest

from tests.helpers import Inbox, Received, SMTPServer, free_port, running_smtp_server

__all__ = ["Inbox", "Received", "SMTPServer", "free_port", "smtp_server"]


@pytest.fixture
def smtp_server(settings):
    with running_smtp_server(settings) as server:
        yield server
