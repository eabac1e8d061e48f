from django.core.exceptions import ValidationError
from django.core.management import BaseCommand, CommandError
from django.core.validators import validate_email

from cosn_global.personal_data import erase


class Command(BaseCommand):
    help = (
        "Erase one person from everything the site's forms hold (inquiries, applications, "
        "subscription, emails), by email address."
    )

    def add_arguments(self, parser):
        parser.add_argument("email")

    def handle(self, *args, email, **options):
        try:
            validate_email(email)
        except ValidationError:
            raise CommandError(f"“{email}” is not an email address.") from None
        removed = erase(email)
        self.stdout.write(", ".join(f"{what}: {count}" for what, count in removed.items()))
