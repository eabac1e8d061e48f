from django.core.management import BaseCommand

from cosn_global.personal_data import remove_expired


class Command(BaseCommand):
    help = (
        "Delete personal data past its retention: inquiries and applications "
        "PERSONAL_DATA_RETENTION_DAYS after their trip ended, copies of sent emails as old, "
        "and sign-ups not confirmed within SUBSCRIBER_CONFIRM_DAYS. Run it daily."
    )

    def handle(self, *args, **options):
        removed = remove_expired()
        self.stdout.write(", ".join(f"{what}: {count}" for what, count in removed.items()))
