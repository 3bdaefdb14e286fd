from django.core.management.base import BaseCommand, CommandError

from orders.models import Shop
from orders.services import shop_issue_api_key


class Command(BaseCommand):
    help = "Print a fresh intake API key for a shop; the shop's previous key stops working."

    def add_arguments(self, parser):
        parser.add_argument("shop_code")

    def handle(self, *args, shop_code, **options):
        shop = Shop.objects.filter(code=shop_code).first()
        if shop is None:
            raise CommandError(f"No shop with code {shop_code!r}.")
        self.stdout.write(shop_issue_api_key(shop=shop))
