"""How opportunities reacts to what the apps below it announce (connected in apps.py)."""

from django.dispatch import receiver

from customers.signals import customer_owner_changed
from opportunities.services.deals import opportunities_hand_over


@receiver(customer_owner_changed, dispatch_uid="opportunities.deals_follow_their_customer")
def deals_follow_their_customer(sender, *, customer, to_owner, actor, **payload) -> None:
    # Released to the pool: the deals stay with their last owner until someone takes the customer.
    if to_owner is not None:
        opportunities_hand_over(customer=customer, to_owner=to_owner, actor=actor)
