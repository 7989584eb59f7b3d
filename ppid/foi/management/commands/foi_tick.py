"""Run the request service's clock: seed next year's calendar when it is missing, flag late
requests and unanswered objections, warn of requests due soon.

`make run` runs it every 15 minutes (`--every 900`); in production schedule it with the
systemd timer in deploy/systemd/, or pass `--enqueue` to hand it to the task worker.
"""

import time

from django.core.management.base import BaseCommand

from ppid.foi.tasks import foi_tick, run_clock


class Command(BaseCommand):
    help = (
        "Flag open information requests whose written-notice deadline has passed (objection "
        "ground c), objections not answered within 30 working days, and warn offices of "
        "requests due soon. Safe to run more than once a day."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help="Queue the work for the task worker instead of running it now.",
        )
        parser.add_argument(
            "--every",
            type=int,
            default=0,
            metavar="SECONDS",
            help="Keep running, once every SECONDS (stop with Ctrl-C or TERM).",
        )

    def handle(self, *args, enqueue=False, every=0, **options):
        while True:
            if enqueue:
                result = foi_tick.enqueue()
                self.stdout.write(f"Queued foi_tick ({result.id}).")
            else:
                counts = run_clock()
                seeded = counts["calendar_years_seeded"]
                self.stdout.write(
                    self.style.SUCCESS(
                        (f"Calendar seeded for {seeded}. " if seeded else "")
                        + f"{counts['marked_late']} request(s) newly marked late, "
                        f"{counts['objections_unanswered']} objection(s) newly unanswered."
                    )
                )
            if every <= 0:
                return
            time.sleep(every)
