"""Load the Central Kalimantan demo data (organisations, officers, 1,314 DIP items with PDFs,
DIK, an established DIP, requests, data bank datasets, two monev periods) and the demo
administrator. Idempotent: a second run changes nothing."""

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction


class TextProgress:
    """A one-line progress bar on stderr; on a non-terminal, a line every tenth."""

    WIDTH = 30

    def __init__(self, stream, label: str):
        self.stream, self.label = stream, label
        self.tty = hasattr(stream, "isatty") and stream.isatty()
        self.last_tenth = -1
        self.started = time.monotonic()

    def __call__(self, done: int, total: int) -> None:
        fraction = done / total if total else 1
        filled = int(self.WIDTH * fraction)
        bar = "#" * filled + "." * (self.WIDTH - filled)
        line = f"{self.label} [{bar}] {done}/{total} ({time.monotonic() - self.started:.1f} s)"
        if self.tty:
            self.stream.write("\r" + line, ending="\n" if done == total else "")
            self.stream.flush()
        elif int(fraction * 10) != self.last_tenth:
            self.last_tenth = int(fraction * 10)
            self.stream.write(line)


class Command(BaseCommand):
    help = "Load the Kalimantan Tengah demo data (marked is_demo). Safe to run again."

    def add_arguments(self, parser):
        parser.add_argument(
            "--with-passwords",
            action="store_true",
            help="give the demo officers new random passwords and print them "
            "(otherwise they cannot log in with a password)",
        )

    def handle(self, *args, with_passwords: bool = False, **options):
        # Imported here so that `manage.py help` stays fast.
        from ppid.core.calendar import calendar_seed, default_seed_years
        from ppid.databank.demo import load_databank
        from ppid.foi.demo import load_foi_demo
        from ppid.monev.demo import load_monev_demo
        from ppid.organizations.demo import NotADemoDatabase, demo_admin_ensure, load_organizations
        from ppid.registry.demo import ITEM_COUNT, load_registry

        started = time.monotonic()
        progress = TextProgress(self.stderr, "Documents")
        with transaction.atomic():
            try:
                orgs = load_organizations(with_passwords=with_passwords)
            except NotADemoDatabase as exc:
                raise CommandError(f"{exc}. Load the demo into a demo or empty database.") from exc
            created = orgs.created
            created.update(load_registry(orgs=orgs, progress=progress))
            created["calendar_days"] = sum(r.added for r in calendar_seed(default_seed_years()))
            created.update(load_foi_demo(progress=TextProgress(self.stderr, "Requests")))
            created.update(load_databank(orgs=orgs))
            created.update(load_monev_demo(orgs=orgs))
            admin = demo_admin_ensure(var_dir=settings.VAR_DIR)
        created = {name: n for name, n in sorted(created.items()) if n}

        if created:
            self._analyze()
            from ppid.core.pagecache import public_pages_changed

            public_pages_changed("registry")
            public_pages_changed("databank")
            public_pages_changed("monev")
            summary = ", ".join(f"{n} {name.replace('_', ' ')}" for name, n in created.items())
            elapsed = time.monotonic() - started
            message = f"Demo data loaded in {elapsed:.1f} s: {summary}."
            self.stdout.write(self.style.SUCCESS(message))
        else:
            self.stdout.write(f"Demo data already loaded ({ITEM_COUNT} items); nothing created.")

        if admin.created:
            self.stdout.write(
                f"Demo administrator 'admin' created. Password: {admin.password}\n"
                f"(also saved in {admin.password_file}, readable only by its owner)"
            )
        elif admin.password_file.exists():
            self.stdout.write(f"The demo administrator's password is in {admin.password_file}.")
        else:
            self.stdout.write("A user 'admin' already exists; its password was not changed.")
        if orgs.passwords:
            self.stdout.write("New passwords of the demo officers (shown once):")
            for username, password in sorted(orgs.passwords.items()):
                self.stdout.write(f"  {username:<24} {password}")

    def _analyze(self) -> None:
        """Fresh planner statistics after a bulk load (DESIGN.md: full-text queries were 100x
        slower on SQLite before ANALYZE)."""
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
            if connection.vendor == "sqlite":
                cursor.execute("PRAGMA optimize")
