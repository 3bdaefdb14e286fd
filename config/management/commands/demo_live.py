import contextlib

from django.conf import settings
from django.core.management.base import BaseCommand

from config import demo_live


class Command(BaseCommand):
    help = "Keep the demo alive: a storefront pushes an order through the intake API every 30-90 s; managers act."

    def add_arguments(self, parser):
        parser.add_argument("--url", default=settings.SITE_URL, help="the desk to push orders to")

    def handle(self, *args, **options):
        self.stdout.write(f"Demo storefront pushing orders to {options['url']} (Ctrl-C stops it).")
        with contextlib.suppress(KeyboardInterrupt):
            demo_live.run(base_url=options["url"].rstrip("/"), log=self.stdout.write)
