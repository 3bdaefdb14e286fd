from django.core.management.base import BaseCommand

from config.demo import demo_load
from config.schedules import schedules_sync


class Command(BaseCommand):
    help = "Load demo shops, staff and orders (idempotent) and set up the q2 schedules."

    def handle(self, *args, **options):
        schedules_sync()
        for line in demo_load():
            self.stdout.write(line)
