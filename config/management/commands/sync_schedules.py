from django.core.management.base import BaseCommand

from config.schedules import schedules_sync


class Command(BaseCommand):
    help = "Create or update the django-q2 schedules (run after every deploy; safe to repeat)."

    def handle(self, *args, **options):
        for name in schedules_sync():
            self.stdout.write(f"schedule: {name}")
