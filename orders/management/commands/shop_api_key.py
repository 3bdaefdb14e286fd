from django.core.management.base import BaseCommand, CommandError

from orders.models import Shop
from orders.services import shop_issue_api_key


class Command(BaseCommand):
    help = "Print a new storefront key for a shop under a name; a live key of that name stops working."

    def add_arguments(self, parser):
        parser.add_argument("shop_code")
        parser.add_argument("--name", default="default", help="what uses the key (default: default)")

    def handle(self, *args, shop_code, name, **options):
        shop = Shop.objects.filter(code=shop_code).first()
        if shop is None:
            raise CommandError(f"No shop with code {shop_code!r}.")
        self.stdout.write(shop_issue_api_key(shop=shop, name=name))
