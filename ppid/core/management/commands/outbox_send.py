"""Send the notifications outbox's due messages now (cron, or by hand after an outage)."""

from django.conf import settings
from django.core.management.base import BaseCommand

from ppid.core.outbox import outbox_send_due


class Command(BaseCommand):
    help = "Send the outbox's due e-mails (OUTBOX_DELIVERY=store: mark them stored)."

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=None, help="Stop after this many.")

    def handle(self, *args, limit=None, **options):
        self.stdout.write(f"Delivery: {settings.OUTBOX_DELIVERY}")

        def progress(report):
            self.stdout.write(
                f"  sent {report.sent}, will retry {report.failed}, "
                f"failed {report.gave_up}, stored {report.stored}"
            )

        report = outbox_send_due(limit=limit, progress=progress)
        summary = (
            f"Done: sent {report.sent}, will retry {report.failed}, "
            f"failed {report.gave_up}, stored {report.stored}."
        )
        style = self.style.WARNING if report.failed or report.gave_up else self.style.SUCCESS
        self.stdout.write(style(summary))
