"""The printable documents' contents: the friendly reminder letter (温馨提醒函), the lawyer's
letter draft (律师函) and the customer statement (对账单). The views render them, always in
Chinese, for objects fetched through visible_to."""

from datetime import date

from customers.models import Customer
from receivables.models import Receivable
from receivables.rules.aging import days_overdue
from receivables.rules.penalty import rate_percent
from receivables.selectors.statements import Statement, receivable_penalties
from salesops.core.money import yuan_in_capitals
from salesops.core.workdays import WorkdayCalendarError, add_working_days

COMPANY_NAME = "SalesOps 演示公司"
PDF_LANGUAGE = "zh-hans"
# The lawyer's letter demands payment 自本函发出之日起7个工作日内 (docs/receivables.md).
LAWYER_DEADLINE_WORKING_DAYS = 7


def lawyer_deadline(today: date) -> date | None:
    """The last day to pay under the lawyer's letter; None when the official calendar does not
    cover the dates (the letter then leaves the date blank for the lawyer to fill in)."""
    try:
        return add_working_days(today, LAWYER_DEADLINE_WORKING_DAYS)
    except WorkdayCalendarError:
        return None


def letter_context(receivable: Receivable, today: date, *, lawyer: bool = False) -> dict:
    """What a letter about one receivable prints: balance and penalty to `today`, in figures and
    in capitals; the lawyer's letter also its payment deadline."""
    accrual = receivable_penalties(receivables=[receivable], end=today)[receivable.pk]
    balance = receivable.balance
    context = {
        "receivable": receivable,
        "customer": receivable.customer,
        "today": today,
        "days_overdue": days_overdue(due=receivable.due_date, as_of=today),
        "balance": balance,
        "balance_capital": yuan_in_capitals(balance),
        "amount_capital": yuan_in_capitals(receivable.amount),
        "settled": receivable.allocated + receivable.written_off,
        "daily_rate": accrual.daily_rate,
        "daily_rate_percent": rate_percent(accrual.daily_rate),
        "penalty": accrual.total,
        "penalty_capital": yuan_in_capitals(accrual.total),
        "penalty_segments": accrual.segments,
        "company_name": COMPANY_NAME,
    }
    if lawyer:
        context["deadline_days"] = LAWYER_DEADLINE_WORKING_DAYS
        context["deadline"] = lawyer_deadline(today)
    return context


def statement_context(*, customer: Customer, result: Statement, today: date) -> dict:
    """What the statement PDF prints besides the statement itself: the amounts in capitals."""
    return {
        "statement": result,
        "customer": customer,
        "today": today,
        "opening_capital": yuan_in_capitals(result.opening_balance),
        "closing_capital": yuan_in_capitals(result.closing_balance),
        "penalty_in_period_capital": yuan_in_capitals(result.penalty_in_period),
        "penalty_total_capital": yuan_in_capitals(result.penalty_total),
        "company_name": COMPANY_NAME,
    }
