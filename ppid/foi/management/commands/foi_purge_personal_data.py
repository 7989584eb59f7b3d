"""Purge the personal data of requests closed longer ago than the retention period (§6):
NIK, telephone, address, fax, the proxy's NIK, address and contact, the ID scan and the
power of attorney. The requests and their register entries stay. Run it daily."""

from django.core.management.base import BaseCommand

from ppid.foi.privacy import purge_candidates, request_purge_personal_data
from ppid.registry.management.commands.load_demo import TextProgress


class Command(BaseCommand):
    help = "Purge requesters' personal data after the retention period (--dry-run: only list)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="list the requests, change nothing"
        )

    def handle(self, *args, dry_run=False, **options):
        candidates = list(purge_candidates().values_list("pk", "registration_number", "closed_at"))
        if dry_run:
            for _pk, number, closed_at in candidates:
                self.stdout.write(f"{number} (closed {closed_at:%Y-%m-%d})")
            self.stdout.write(f"Dry run: {len(candidates)} request(s) would be purged.")
            return
        progress = TextProgress(self.stderr, "Purging")
        purged = 0
        for done, (pk, _number, _closed_at) in enumerate(candidates, start=1):
            request = purge_candidates().filter(pk=pk).first()
            if request is not None and request_purge_personal_data(request):
                purged += 1
            progress(done, len(candidates))
        self.stdout.write(self.style.SUCCESS(f"Purged the personal data of {purged} request(s)."))
