"""Fill every domain table with realistic, deterministic demo data."""

import argparse
from datetime import datetime
from zoneinfo import ZoneInfo

from django.core.management import BaseCommand, CommandError
from django.utils import timezone

from demo import runner
from demo.plan import PLANS, describe
from gatimitra import guards
from orders.choices import IndianTimeZone

IST = ZoneInfo(IndianTimeZone.ASIA_KOLKATA)


def parse_as_of(text):
    """``YYYY-MM-DD`` (midnight IST) or an ISO timestamp (IST when naive)."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"--as-of {text!r}: {error}") from error
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=IST)
    return moment.astimezone(IST)


def default_as_of():
    """The current hour in India: the data ends there."""
    return timezone.now().astimezone(IST).replace(minute=0, second=0, microsecond=0)


class Command(BaseCommand):
    help = (
        "Fill every domain table with realistic demo data (Indian names, +91 mobiles, "
        "addresses with PIN codes, menus in rupees, consistent ledgers and order totals), "
        "deterministic from --seed. --scale small takes seconds and runs in one transaction; "
        "--scale city builds about 1M orders and 10M GPS pings with COPY. "
        "Builds on the fixtures/ seeds (loads them first when they are missing). "
        "Refuses to load twice; --reset empties the domain tables first."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=sorted(PLANS), default="small")
        parser.add_argument("--seed", type=int, default=42, help="Same seed, same data.")
        parser.add_argument(
            "--as-of",
            type=parse_as_of,
            default=None,
            help="When the data ends (YYYY-MM-DD or an ISO timestamp, IST; within the past "
            "year). Default: the current hour. Same seed and --as-of give identical rows.",
        )
        parser.add_argument(
            "--reset",
            action="store_true",
            help="First empty EVERY domain table (not only demo rows; audit logs too) and "
            "reload fixtures/.",
        )
        parser.add_argument(
            "--skip-if-seeded",
            action="store_true",
            help="When the database already holds demo data, say so and exit successfully "
            "(for manage.py start, which runs on every launch).",
        )
        parser.add_argument("--plan", action="store_true", help="Print the volumes and stop.")
        guards.add_flag(parser)
        # Tests and benchmarks run the city code path on a fraction of its volumes.
        parser.add_argument("--scale-factor", type=float, default=None, help=argparse.SUPPRESS)

    def handle(self, *args, scale, seed, as_of, reset, plan, scale_factor, **options):
        if plan:
            self.stdout.write(describe())
            return
        guards.require_development(
            "seed_demo --reset" if reset else "seed_demo", options["not_production"]
        )
        existing = runner.marker()
        if existing and options["skip_if_seeded"] and not reset:
            self.stdout.write(
                f"seed_demo: already seeded ({runner.describe_marker(existing)}); nothing to do."
            )
            return
        chosen = PLANS[scale]
        if scale_factor is not None:
            if not 0 < scale_factor <= 1:
                raise CommandError("--scale-factor must be in (0, 1].")
            chosen = chosen.scaled(scale_factor)
        now = as_of or default_as_of()
        real_now = timezone.now()
        if now > real_now or (real_now - now).days > 365:
            raise CommandError(
                f"--as-of {now.isoformat()} must be within the past year (documents, licences "
                "and consents are made valid for a year or more after it)."
            )
        verbose = options["verbosity"] >= 1

        def log(text):
            if verbose:
                self.stdout.write(text)

        log(
            f"seed_demo: scale {chosen.name}, seed {seed}, data up to {now.isoformat()} "
            f"(pass --as-of {now.isoformat()} to get the same rows again)"
        )
        try:
            load = runner.run(chosen, seed, now, reset=reset, log=log)
        except runner.SeedRefused as error:
            raise CommandError(str(error)) from error
        except Exception as error:
            where = "nothing was written (one transaction)"
            if not chosen.small:
                where = (
                    "the steps before it are committed; the next run will refuse and "
                    "name them; seed_demo --reset starts over"
                )
            raise CommandError(f"seed_demo failed: {error}\n({where})") from error
        counts = load.writer.counts
        total = sum(counts.values())
        if options["verbosity"] >= 2:
            seconds = load.writer.seconds
            self.stdout.write(f"  {'table':<46}{'rows':>12}{'COPY s':>9}{'rows/s':>10}")
            for table in sorted(counts, key=lambda t: -seconds[t]):
                rate = counts[table] / seconds[table] if seconds[table] else 0
                self.stdout.write(
                    f"  {table:<46}{counts[table]:>12,}{seconds[table]:>9.2f}{rate:>10,.0f}"
                )
        self.stdout.write(
            self.style.SUCCESS(
                f"seed_demo: {total:,} rows written with COPY into {len(counts)} tables in "
                f"{load.elapsed:.1f}s (plus the rows the database's triggers add: timelines, "
                "audit logs, cached balances)."
            )
        )
