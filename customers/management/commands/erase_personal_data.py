"""manage.py erase_personal_data: anonymise a customer (for their ERASURE
request) or an offboarded rider (with a reason), as a named staff user.
Fails closed: nothing is erased without the staff user, and the request or
reason the law asks for (customers.services, riders.services)."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from customers import services as customer_services
from customers.models import Customer, CustomerDataRequest
from riders import services as rider_services
from riders.models import Rider


class Command(BaseCommand):
    help = "Anonymise a customer's or a rider's personal data (DPDP Act 2023 s.12)."

    def add_arguments(self, parser):
        who = parser.add_mutually_exclusive_group(required=True)
        who.add_argument("--customer", type=int, help="Customer id.")
        who.add_argument("--rider", type=int, help="Rider id (must be OFFBOARDED).")
        parser.add_argument("--request", help="The customer's erasure request number (DPR...).")
        parser.add_argument("--reason", help="Why a rider's data is erased.")
        parser.add_argument("--by", required=True, help="Email of the staff user running it.")

    def handle(self, *args, **options):
        user = get_user_model().objects.filter(email__iexact=options["by"]).first()
        if user is None or not user.is_active:
            raise CommandError(f"No active staff user {options['by']!r}: nothing was erased.")
        try:
            if options["customer"] is not None:
                if not options["request"]:
                    raise CommandError("A customer is erased for their request: give --request.")
                customer = Customer.objects.filter(pk=options["customer"]).first()
                request = CustomerDataRequest.objects.filter(
                    request_number=options["request"]
                ).first()
                if customer is None or request is None:
                    raise CommandError("No such customer or request: nothing was erased.")
                customer_services.erase_customer(customer, user=user, request=request)
                self.stdout.write(f"Customer {customer.pk} anonymised ({request.request_number}).")
            else:
                rider = Rider.objects.filter(pk=options["rider"]).first()
                if rider is None:
                    raise CommandError(f"No rider {options['rider']}: nothing was erased.")
                rider_services.erase_rider(rider, user=user, reason=options["reason"])
                self.stdout.write(f"Rider {rider.pk} anonymised.")
        except (customer_services.ErasureRefused, rider_services.ErasureRefused) as refused:
            raise CommandError(str(refused)) from refused
