"""Supplementary agreements (补充协议): the only way a signed contract changes. Each records what
changed (before and after, as JSON, and the totals) and re-checks the payment plan against the
new total: raised milestones keep their amounts, the remaining ones must make up the rest."""

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from orders.models import Contract, PaymentMilestone, SupplementaryAgreement
from orders.services.contracts import CONTRACT_FIELDS, lines_build, lines_store
from orders.services.milestones import (
    LIVE,
    MILESTONE_FIELDS,
    Trigger,
    contract_locked,
    milestone_build,
    milestones_reach,
    plan_apply,
    require_contract_write,
)
from salesops.core.errors import ServiceError


def _plain(value):
    """A value as the agreement's JSON holds it: amounts and dates as text."""
    if isinstance(value, Decimal):
        return f"{value:f}"
    if isinstance(value, date):
        return value.isoformat()
    if hasattr(value, "pk"):
        return str(value)
    return value


def _fixed(value, places: str):
    """A decimal as the column stores it (1 → "1.000"), so a line typed again compares equal."""
    return None if value is None else f"{Decimal(value).quantize(Decimal(places)):f}"


def _line_json(line) -> dict:
    return {
        "product": line.product.sku if line.product_id else None,
        "description": line.description,
        "unit": line.unit,
        "quantity": _fixed(line.quantity, "0.001"),
        "unit_price": _fixed(line.unit_price, "0.01"),
        "discount": _fixed(line.discount, "0.0001"),
        "tax_rate": _fixed(line.tax_rate, "0.0001"),
        "amount": _fixed(line.amount, "0.01"),
    }


def _milestone_json(milestone: PaymentMilestone) -> dict:
    values = {key: _plain(getattr(milestone, key)) for key in MILESTONE_FIELDS}
    values["percent"] = _fixed(milestone.percent, "0.0001")
    values["amount"] = _fixed(milestone.amount, "0.01")
    return {"sequence": milestone.sequence, **values, "raised": bool(milestone.receivable_id)}


@transaction.atomic
def supplement_record(
    *,
    actor,
    contract: Contract,
    reason: str,
    signed_on: date,
    fields: dict | None = None,
    lines: list[dict] | None = None,
    milestones: list[dict] | None = None,
    today: date | None = None,
) -> SupplementaryAgreement:
    """Change a signed contract: `fields` (CONTRACT_FIELDS), the `lines` (all of them, when
    given) and the `milestones` not yet raised (all of them, when given). Refused, with nothing
    written, when nothing changes, when a raised milestone is asked to change, or when the plan
    does not add up to the new total."""
    require_contract_write(actor, contract)
    contract = contract_locked(contract)
    if contract.status not in LIVE:
        raise ServiceError(
            _("Only a signed contract takes a supplementary agreement; a draft is edited.")
        )
    if not reason.strip():
        raise ServiceError(_("Say why the contract changes."), field="reason")
    if signed_on > (today or timezone.localdate()) or signed_on < contract.signed_on:
        raise ServiceError(
            _("The agreement is signed between the contract's signing and today."),
            field="signed_on",
        )
    fields = fields or {}
    unknown = set(fields) - set(CONTRACT_FIELDS)
    if unknown:
        raise ValueError(f"not changeable: {sorted(unknown)}")
    before, after = {}, {}
    for key, value in fields.items():
        value = value.strip() if isinstance(value, str) else value
        if getattr(contract, key) != value:
            before[key], after[key] = _plain(getattr(contract, key)), _plain(value)
            setattr(contract, key, value)
    contract.full_clean()
    total_before = contract.total
    if lines is not None:
        old = [_line_json(line) for line in contract.lines.select_related("product")]
        new_lines = lines_build(contract, lines)
        if [_line_json(line) for line in new_lines] != old:
            before["lines"], after["lines"] = old, [_line_json(line) for line in new_lines]
            lines_store(contract, new_lines)
    current = list(
        PaymentMilestone.objects.select_for_update().filter(contract=contract).order_by("sequence")
    )
    raised = [m for m in current if m.receivable_id]
    kept = [m for m in current if not m.receivable_id]
    if milestones is not None:
        raised_numbers = {m.sequence for m in raised}
        for spec in milestones:
            if spec.get("sequence") in raised_numbers:
                raise ServiceError(
                    _("Milestone %(sequence)s has raised its receivable and cannot change.")
                    % {"sequence": spec["sequence"]},
                    field="milestones",
                )
        start = max((m.sequence for m in raised), default=0)
        kept = [milestone_build(contract, start + n, spec) for n, spec in enumerate(milestones, 1)]
    plan = sorted(raised + kept, key=lambda m: m.sequence)
    plan_apply(total=contract.total, milestones=plan)
    plan_before = [_milestone_json(m) for m in current]
    plan_after = [_milestone_json(m) for m in plan]
    if plan_after != plan_before:
        before["milestones"], after["milestones"] = plan_before, plan_after
    if not before:
        raise ServiceError(_("The agreement changes nothing in the contract."))
    contract.save()
    PaymentMilestone.objects.filter(contract=contract, receivable__isnull=True).delete()
    PaymentMilestone.objects.bulk_create(kept)
    agreement = SupplementaryAgreement.objects.create(
        contract=contract,
        sequence=contract.supplements.count() + 1,
        signed_on=signed_on,
        reason=reason.strip(),
        before=before,
        after=after,
        total_before=total_before,
        total_after=contract.total,
        actor=actor,
    )
    # Milestones whose trigger already happened are raised now, on the day it happened.
    for trigger, day in (
        (Trigger.SIGNING, contract.signed_on),
        (Trigger.DELIVERY, contract.delivered_on),
        (Trigger.ACCEPTANCE, contract.accepted_on),
    ):
        if day is not None:
            milestones_reach(contract=contract, trigger=trigger, on=day, actor=actor)
    return agreement
