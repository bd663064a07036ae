"""Credit limit and overdue arithmetic.

Plain functions over numbers and dates: the Odoo models gather the figures with SQL and
call these to decide, so the maths is tested without a database.
"""

from dataclasses import dataclass
from datetime import date, timedelta

NO_LIMIT_UNLIMITED = "unlimited"
NO_LIMIT_NO_CREDIT = "no_credit"


@dataclass
class CreditFigures:
    """Amounts in company currency for one commercial partner in one company."""

    receivable: float = 0.0
    draft_invoices: float = 0.0
    orders_to_invoice: float = 0.0
    overdue: float = 0.0
    overdue_beyond_tolerance: float = 0.0
    oldest_overdue_date: date | None = None

    @property
    def exposure(self):
        return self.receivable + self.draft_invoices + self.orders_to_invoice


def effective_limit(limit, temp_increase=0.0, temp_expiry=None, today=None):
    """The limit in force today: the base limit plus an unexpired temporary increase.

    A temporary increase counts up to and including its expiry date.
    """
    limit = limit or 0.0
    if temp_increase and temp_expiry and today and temp_expiry >= today:
        return limit + temp_increase
    return limit


def is_unlimited(base_limit, no_limit_policy):
    """A partner without a limit of its own gets what the company policy says."""
    return not base_limit and no_limit_policy != NO_LIMIT_NO_CREDIT


def available_credit(limit, exposure):
    """Credit left before the limit; negative when the limit is already exceeded."""
    return limit - exposure


def limit_excess(exposure, order_amount, limit, precision=0.005):
    """How much exposure plus the order goes over the limit, or 0.0 when it fits."""
    excess = exposure + order_amount - limit
    return excess if excess > precision else 0.0


def net_overdue(overdue_items, open_balance):
    """Overdue items net of unapplied credits: never more than what the customer owes.

    Payments and credit notes not yet reconciled lower the open balance; they are taken
    to settle the oldest items first, so the overdue amount is capped at that balance.
    """
    return max(min(overdue_items or 0.0, open_balance or 0.0), 0.0)


def overdue_cutoff(today, tolerance_days):
    """Items due before this date are overdue beyond the tolerance in days."""
    return today - timedelta(days=max(tolerance_days or 0, 0))


def days_past_due(oldest_overdue_date, today):
    """Days since the due date of the oldest overdue item, 0 when nothing is overdue."""
    if not oldest_overdue_date:
        return 0
    return max((today - oldest_overdue_date).days, 0)


def overdue_breached(overdue_beyond_tolerance, tolerance_amount, precision=0.005):
    """True when items overdue beyond the tolerance in days exceed the tolerance amount."""
    return overdue_beyond_tolerance - (tolerance_amount or 0.0) > precision
