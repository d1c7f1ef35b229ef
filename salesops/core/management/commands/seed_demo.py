"""python manage.py seed_demo: idempotent demo users, teams and customers (never in production)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.test.utils import override_settings

from customers.demo import seed_customers
from opportunities.demo import seed_opportunities
from orders.demo import seed_orders
from receivables.demo import seed_receivables
from reports.demo import seed_plans
from salesops.core.demo import DEMO_PASSWORD, DEMO_USERS, seed_users


class Command(BaseCommand):
    help = "Create or refresh the demo data. Refuses to run under production settings."

    def handle(self, *args, **options):
        if settings.SALESOPS_ENV == "production":
            raise CommandError("seed_demo refuses to run under production settings.")
        # The demo's jobs notify hundreds of times; the in-app notifications are the demo, the
        # e-mails would only flood the console (development) or real inboxes.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
            counts = seed_users()
            counts["customers"] = seed_customers()
            counts["opportunities"] = seed_opportunities()
            counts["receivables"] = seed_receivables()
            counts["orders"] = seed_orders()
            counts["plans"] = seed_plans()
        if options["verbosity"] == 0:
            return
        self.stdout.write(
            self.style.SUCCESS(
                "Demo data ready: {users} users, {teams} teams, {customers} new customers, "
                "{opportunities} new opportunities, {receivables} new receivables, "
                "{orders} new orders.".format(**counts)
            )
        )
        self.stdout.write(f"Users (password {DEMO_PASSWORD} for all):")
        for spec in DEMO_USERS:
            team = f", {spec.team}" if spec.team else ""
            self.stdout.write(f"  {spec.username:<9} {spec.role.value}{team}")
