"""The worker (`manage.py worker`) on the database task backend, as in production:
pages only store emails, the worker sends them, and a worker that was killed leaves
nothing behind that the next one does not pick up."""

import datetime
import logging
import signal

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from delegations.tests.factories import DelegationFactory
from mail import announcements, outbox
from mail.models import Email
from mail.tests.factories import AnnouncementFactory, EmailFactory, SubscriberFactory

NOON = datetime.datetime(2026, 3, 2, 17, 0, tzinfo=datetime.UTC)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def database_tasks(settings, monkeypatch):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    # Between tasks db_worker closes connections that are inside a transaction, as a
    # test's is: on PostgreSQL that would end the test's transaction under it.
    monkeypatch.setattr(
        "django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None
    )
    # It also installs its own signal handlers and sets its loggers' levels: give the
    # rest of the test run its own back.
    signals = [signal.SIGINT, signal.SIGTERM, signal.SIGQUIT]
    handlers = {number: signal.getsignal(number) for number in signals}
    loggers = [logging.getLogger(name) for name in ("django.tasks", "django_tasks_db")]
    levels = [logger.level for logger in loggers]
    yield
    for number, handler in handlers.items():
        signal.signal(number, handler)
    for logger, level in zip(loggers, levels, strict=True):
        logger.setLevel(level)


def run_worker():
    call_command("worker", batch=True, interval=0, verbosity=0)


def queue(**overrides):
    return outbox.queue(
        **{"kind": "inquiry", "to": "jo@cosn.example", "subject": "Question", "body": "?"}
        | overrides
    )


def tasks(path):
    return DBTaskResult.objects.filter(task_path=path)


def test_a_queued_email_waits_for_the_worker_and_the_worker_sends_it(smtp_server):
    email = queue()

    assert smtp_server.received == []
    assert Email.objects.get().status == Email.Status.QUEUED
    assert tasks("mail.outbox.deliver").ready().count() == 1

    run_worker()

    [received] = smtp_server.received
    assert received.rcpt_tos == ["jo@cosn.example"]
    email.refresh_from_db()
    assert (email.status, email.attempts) == (Email.Status.SENT, 1)
    assert not DBTaskResult.objects.ready().exists()


def test_a_sign_up_page_answers_at_once_and_the_worker_sends_the_confirmation(client, smtp_server):
    response = client.post(reverse("mail:subscribe"), {"email": "ada@example.org"})

    assert response.status_code == 302
    assert smtp_server.received == []

    run_worker()

    [received] = smtp_server.received
    assert received.rcpt_tos == ["ada@example.org"]
    assert received.links[0].startswith("http://testserver/subscribe/confirm/")


def test_an_email_left_queued_by_a_killed_worker_is_sent_when_the_worker_starts(smtp_server):
    email = queue()
    DBTaskResult.objects.all().delete()  # the task was lost with the worker

    run_worker()

    assert [r.rcpt_tos for r in smtp_server.received] == [["jo@cosn.example"]]
    assert Email.objects.get(pk=email.pk).status == Email.Status.SENT


def test_an_announcement_whose_recipients_were_never_added_is_finished_by_the_worker(
    smtp_server,
):
    for address in ["ada@example.org", "bo@example.org"]:
        SubscriberFactory(email=address, confirmed=True)
    announcement = AnnouncementFactory()  # recorded, but its task was lost
    assert announcement.recipients_added_at is None

    run_worker()

    assert sorted(r.rcpt_tos[0] for r in smtp_server.received) == [
        "ada@example.org",
        "bo@example.org",
    ]
    announcement.refresh_from_db()
    assert announcement.recipients_added_at is not None
    assert announcements.progress(announcement) == {"queued": 0, "sent": 2, "failed": 0}


def test_an_announcement_waits_for_the_worker_and_a_restart_beside_its_task_sends_once(
    smtp_server,
):
    for address in ["ada@example.org", "bo@example.org"]:
        SubscriberFactory(email=address, confirmed=True)
    announcement, _ = announcements.announce(
        DelegationFactory(),
        subject="New delegation",
        body="Come along.",
        url="http://testserver/delegations/trip/",
        site_url="http://testserver",
    )
    assert smtp_server.received == []
    assert tasks("mail.announcements.send_announcement").count() == 1

    # The worker starts while the announcement's own task is still queued: it enqueues a
    # second one, and both run.
    run_worker()

    assert tasks("mail.announcements.send_announcement").count() == 2
    assert sorted(r.rcpt_tos[0] for r in smtp_server.received) == [
        "ada@example.org",
        "bo@example.org",
    ]
    assert announcement.emails.count() == 2


def test_a_temporary_failure_enqueues_the_next_attempt_for_when_it_is_due(
    smtp_server, django_capture_on_commit_callbacks
):
    smtp_server.stop()
    with time_machine.travel(NOON, tick=False) as traveller:
        email = queue()
        with django_capture_on_commit_callbacks(execute=True):
            run_worker()

        email.refresh_from_db()
        assert (email.status, email.attempts) == (Email.Status.QUEUED, 1)
        [retry] = tasks("mail.outbox.deliver").filter(status="READY")
        assert retry.run_after == email.next_attempt_at == NOON + datetime.timedelta(minutes=1)
        assert not DBTaskResult.objects.ready().exists()  # not before it is due

        smtp_server.start()
        traveller.shift(datetime.timedelta(minutes=1))
        assert list(DBTaskResult.objects.ready()) == [retry]
        run_worker()

    assert len(smtp_server.received) == 1
    email.refresh_from_db()
    assert (email.status, email.attempts) == (Email.Status.SENT, 2)


def test_an_email_waiting_for_a_retry_whose_task_was_lost_is_sent_when_due(smtp_server):
    # A worker killed between recording a failed attempt and enqueueing the retry (the
    # retry is enqueued on commit, after the attempt is stored) leaves the email queued
    # for later with no task. The next worker must still send it when it is due,
    # without having to be restarted again.
    with time_machine.travel(NOON, tick=False) as traveller:
        email = EmailFactory(attempts=1, next_attempt_at=NOON + datetime.timedelta(minutes=4))

        run_worker()
        assert smtp_server.received == []

        traveller.shift(datetime.timedelta(minutes=4))
        # The same worker, still running, looks at its queue again.
        call_command(
            "db_worker", batch=True, interval=0, reload=False, startup_delay=False, verbosity=0
        )

    assert len(smtp_server.received) == 1
    assert Email.objects.get(pk=email.pk).status == Email.Status.SENT


def test_a_worker_with_nothing_to_do_sends_nothing_and_enqueues_nothing(smtp_server):
    EmailFactory(sent=True)
    EmailFactory(failed=True)
    AnnouncementFactory(recipients_added_at=timezone.now())

    run_worker()

    assert smtp_server.received == []
    assert not DBTaskResult.objects.exists()
