"""Create an API token for a user and print its key (the only time it is shown)."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from ppid.core.tokens import token_create


class Command(BaseCommand):
    help = "Create an API token for USERNAME named NAME and print its key once."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("name", help="a label to tell this token apart, e.g. 'sync script'")

    def handle(self, *args, username: str, name: str, **options):
        User = get_user_model()  # noqa: N806
        try:
            user = User.objects.get(**{User.USERNAME_FIELD: username})
        except User.DoesNotExist as exc:
            raise CommandError(f"No user named {username!r}.") from exc
        if not user.is_active:
            raise CommandError(f"User {username!r} is inactive.")
        try:
            token, raw_key = token_create(user=user, name=name)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        self.stderr.write(
            f"Token {token.name!r} ({token.prefix}…) created for {username}. "
            "Store the key now: it is not kept and cannot be shown again."
        )
        self.stdout.write(raw_key)
