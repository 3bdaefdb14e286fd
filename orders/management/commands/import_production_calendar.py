from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from orders.exceptions import CalendarFileRefused
from orders.models import Shop
from orders.services import PRODUCTION_CALENDAR_RU, production_calendar_parse, shop_days_import


class Command(BaseCommand):
    help = (
        "Put Russia's production calendar (days off, shortened days, working Saturdays) into shops' calendars "
        "from a local CSV (date,kind,note). Running it again changes nothing; a malformed file imports nothing."
    )

    def add_arguments(self, parser):
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--shop", metavar="CODE", help="the shop's code")
        which.add_argument("--all", action="store_true", help="every shop")
        parser.add_argument("--year", type=int, help="only this year's dates")
        parser.add_argument(
            "--file",
            type=Path,
            default=PRODUCTION_CALENDAR_RU,
            help="the CSV (default: the shipped orders/data/production_calendar_ru.csv)",
        )

    def handle(self, *args, shop, all, year, file, **options):
        try:
            text = file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"Cannot read {file}: {exc}") from exc
        try:
            lines = production_calendar_parse(text)
        except CalendarFileRefused as exc:
            raise CommandError(f"{file}: {exc} Nothing imported.") from exc
        if year is not None:
            lines = [line for line in lines if line.date.year == year]
        if not lines:
            raise CommandError(f"{file} has no dates{f' in {year}' if year else ''}.")
        shops = list(Shop.objects.order_by("code")) if all else list(Shop.objects.filter(code=shop))
        if not shops:
            raise CommandError("There are no shops." if all else f"No shop with code {shop!r}.")
        for each, result in shop_days_import(shops=shops, lines=lines).items():
            self.stdout.write(
                f"{each.code}: {len(result.added)} added, {len(result.changed)} changed, "
                f"{result.unchanged} unchanged."
            )
            for day in result.changed:
                self.stdout.write(f"  changed {day}")
