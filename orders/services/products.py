"""Product writes: the Excel import's apply step (admin edits products through their form, which
holds no rule beyond the model's own validation)."""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from orders.models import Product
from salesops.accounts.access import can_manage
from salesops.core.errors import NotPermitted, ServiceError

FIELDS = ("name", "product_line", "unit", "list_price", "cost", "tax_rate")
BATCH = 1000


def require_product_manager(actor) -> None:
    if not can_manage(actor):
        raise NotPermitted(_("Only managers and admins maintain products."))


@transaction.atomic
def products_save(*, actor, rows: list[tuple[Product | None, dict]]) -> tuple[int, int]:
    """Create the rows without a product, update the others (matched by SKU), all or none;
    returns (created, updated). The existing products are locked and re-read."""
    require_product_manager(actor)
    ids = [existing.pk for existing, _values in rows if existing is not None]
    locked = Product.objects.select_for_update().in_bulk(ids)
    creates, updates = [], []
    for existing, values in rows:
        if existing is None:
            product = Product(**values)
            creates.append(product)
        else:
            product = locked[existing.pk]
            for name in FIELDS:
                if name in values:
                    setattr(product, name, values[name])
            updates.append(product)
        product.full_clean(validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():
            bulk_create_with_history(creates, Product, batch_size=BATCH, default_user=actor)
            if updates:
                bulk_update_with_history(
                    updates, Product, list(FIELDS), batch_size=BATCH, default_user=actor
                )
    except IntegrityError as exc:
        raise ServiceError(
            _("Another product with the same SKU was saved meanwhile; check the file again.")
        ) from exc
    return len(creates), len(updates)
