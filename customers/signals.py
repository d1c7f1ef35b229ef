"""What customers announces to the apps above it; sent with salesops.core.events.announce, so a
receiver runs only once the change is committed."""

from django.dispatch import Signal

# A customer changed hands: reassigned, assigned or claimed from the pool, or released to the pool
# (to_owner is None then). Sent with customer, from_owner, to_owner, actor (None for a job) and
# reason. opportunities hands the customer's open deals to the new owner.
customer_owner_changed = Signal()
