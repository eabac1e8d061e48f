import dataclasses

from django.contrib import admin, messages
from django.template.defaultfilters import pluralize
from django.utils.html import format_html

from core.spreadsheets import csv_download, local_time

from . import announcements, outbox, subscriptions
from .models import Announcement, Email, Subscriber


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records the site writes; staff read them and act on them, never edit them."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Email)
class EmailAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "subject", "recipients_display", "kind", "status", "attempts"]
    list_filter = ["status", "kind"]
    search_fields = ["to", "subject"]
    date_hierarchy = "created_at"
    actions = ["send_again"]
    fields = [
        "kind",
        "to",
        "reply_to",
        "subject",
        "body",
        "headers",
        "status",
        "attempts",
        "next_attempt_at",
        "last_error",
        "created_at",
        "sent_at",
        "about",
    ]

    @admin.display(description="to")
    def recipients_display(self, obj):
        return obj.recipients_display

    @admin.action(description="Send the selected failed emails again", permissions=["view"])
    def send_again(self, request, queryset):
        count = outbox.send_again(queryset)
        self.message_user(
            request,
            f"{count} email{pluralize(count)} queued to be sent again."
            if count
            else "None of the selected emails had failed.",
            messages.SUCCESS if count else messages.INFO,
        )


@admin.register(Subscriber)
class SubscriberAdmin(ReadOnlyAdmin):
    list_display = ["email", "created_at", "confirmed_at"]
    list_filter = [("confirmed_at", admin.EmptyFieldListFilter)]
    search_fields = ["email"]
    actions = ["export_csv", "delete_selected"]
    fields = ["email", "created_at", "confirmed_at"]

    def get_actions(self, request, action_location=admin.ActionLocation.CHANGE_LIST):
        actions = super().get_actions(request, action_location)
        if "delete_selected" in actions:
            actions["delete_selected"] = dataclasses.replace(
                actions["delete_selected"],
                description="Erase the selected subscribers",
                plural_description="Erase the selected subscribers",
            )
        return actions

    def delete_queryset(self, request, queryset):
        subscriptions.forget(queryset)

    def delete_model(self, request, obj):
        subscriptions.forget(Subscriber.objects.filter(pk=obj.pk))

    @admin.action(description="Export selected as CSV", permissions=["view"])
    def export_csv(self, request, queryset):
        rows = (
            [
                subscriber.email,
                local_time(subscriber.created_at),
                local_time(subscriber.confirmed_at),
            ]
            for subscriber in queryset
        )
        return csv_download("subscribers", ["Email", "Signed up", "Confirmed"], rows)


@admin.register(Announcement)
class AnnouncementAdmin(ReadOnlyAdmin):
    list_display = ["subject", "created_at", "created_by", "progress"]
    fields = ["subject", "url", "body", "created_at", "created_by", "progress"]
    readonly_fields = ["progress"]

    def get_queryset(self, request):
        return announcements.with_progress(super().get_queryset(request))

    @admin.display(description="emails")
    def progress(self, obj):
        if obj.recipients_added_at is None:
            return "Waiting for the worker to add the recipients."
        return format_html(
            "{} queued, {} sent, {} failed", obj.queued_count, obj.sent_count, obj.failed_count
        )


class AnnounceAction:
    """The “Announce to subscribers” action of a content admin. The admin says in what
    words (`announcement_text`); a record that is not public or not upcoming is not
    announced (`not_announceable`, which an admin may change)."""

    def not_announceable(self, obj):
        """Why `obj` cannot be announced, or None."""
        if not obj.is_published:
            return "it is not published."
        if not obj.is_live():
            return "it is not live by its schedule (see “Schedule”)."
        if not obj.is_upcoming():
            return "it is not upcoming."
        return None

    @admin.action(description="Announce to subscribers by email", permissions=["change"])
    def announce(self, request, queryset):
        subscribers = Subscriber.objects.confirmed().count()
        for record in queryset:
            reason = self.not_announceable(record)
            if reason:
                self.message_user(
                    request, f"“{record}” was not announced: {reason}", messages.ERROR
                )
                continue
            subject, body = self.announcement_text(record)
            announcement, started = announcements.announce(
                record,
                subject=subject,
                body=body,
                url=request.build_absolute_uri(record.get_absolute_url()),
                site_url=request.build_absolute_uri("/"),
                user=request.user,
            )
            if started:
                self.message_user(
                    request,
                    f"Announcing “{record}” to {subscribers} confirmed subscriber"
                    f"{pluralize(subscribers)}: see its progress under Announcements.",
                    messages.SUCCESS,
                )
            else:
                self.message_user(
                    request,
                    f"“{record}” was already announced on "
                    f"{local_time(announcement.created_at)}"
                    f"{' by ' + announcement.created_by if announcement.created_by else ''}; "
                    "it is never sent twice.",
                    messages.WARNING,
                )
