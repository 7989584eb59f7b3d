"""Seed the working-day calendar from the pinned `holidays` package (domain.md F40–F44)."""

from django.core.management.base import BaseCommand, CommandError

from ppid.core.calendar import SeedYear, calendar_seed, default_seed_years, seed_origin


class Command(BaseCommand):
    help = (
        "Add the national holidays and cuti bersama of the given years (default: last, "
        "current and next year) to the calendar. Safe to run again: days already there, or "
        "removed by hand, are left as they are."
    )

    def add_arguments(self, parser):
        parser.add_argument("--years", nargs="+", type=int, metavar="YEAR")

    def handle(self, *args, years=None, **options):
        years = years or default_seed_years()
        bad = [y for y in years if not 2002 <= y <= 2100]
        if bad:
            # F40: cuti bersama are encoded from 2002 on.
            raise CommandError(f"Years must be between 2002 and 2100: {bad}")

        def progress(result: SeedYear) -> None:
            self.stdout.write(
                f"{result.year}: {result.added_public} holidays and "
                f"{result.added_government} cuti bersama added, "
                f"{result.existing} already in the calendar"
            )

        results = calendar_seed(years, progress=progress)
        added = sum(r.added for r in results)
        if added:
            self.stdout.write(self.style.SUCCESS(f"{added} days added from {seed_origin()}."))
        else:
            self.stdout.write("The calendar already had every day; nothing changed.")
