"""Aging buckets: parse the company's boundaries, name the buckets, place a day count.

Buckets are "Not due" (0 days or less), then one bucket per boundary ("1-30", "31-60", …)
and a last open-ended one ("Over 120").
"""

DEFAULT_BOUNDARIES = (30, 60, 90, 120)


class AgingBoundaryError(ValueError):
    """Boundaries are not usable; ``reason`` says why: empty, not_integer, not_positive,
    not_increasing (the caller turns it into a translated message)."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


def parse_boundaries(text):
    """'30, 60, 90, 120' -> (30, 60, 90, 120); positive and strictly increasing."""
    parts = [part.strip() for part in (text or "").replace(";", ",").split(",") if part.strip()]
    if not parts:
        raise AgingBoundaryError("empty")
    try:
        boundaries = tuple(int(part) for part in parts)
    except ValueError as error:
        raise AgingBoundaryError("not_integer") from error
    if boundaries[0] <= 0:
        raise AgingBoundaryError("not_positive")
    if any(later <= earlier for earlier, later in zip(boundaries, boundaries[1:], strict=False)):
        raise AgingBoundaryError("not_increasing")
    return boundaries


def bucket_labels(boundaries):
    """Labels of the len(boundaries) + 2 buckets, in order."""
    labels = ["Not due"]
    low = 1
    for high in boundaries:
        labels.append(f"{low}-{high}")
        low = high + 1
    labels.append(f"Over {boundaries[-1]}")
    return labels


def bucket_index(days_overdue, boundaries):
    """0 for not due, i for the i-th boundary's bucket, len(boundaries) + 1 beyond the last."""
    if days_overdue <= 0:
        return 0
    for index, high in enumerate(boundaries, start=1):
        if days_overdue <= high:
            return index
    return len(boundaries) + 1


# DSO by the countback method, over 30-day periods going back at most a year.
DSO_PERIOD_DAYS = 30
DSO_PERIODS = 12


def countback_dso(open_receivable, sales_by_period, period_days=DSO_PERIOD_DAYS):
    """Days sales outstanding by the countback method.

    The open receivables are matched against the credit sales of the most recent periods
    (``sales_by_period[0]`` is the period ending on the date, then going back): each period
    whose sales are used up counts for all its days, the last one for its share. So
    receivables still open from sales of 90 days ago give about 90-120 days, however little
    was sold since, and fresh invoices give few days. 0.0 when nothing is open; None when
    the receivables exceed the sales of all the periods (the figure is undefined then).
    """
    if open_receivable <= 0:
        return 0.0
    remaining = open_receivable
    days = 0.0
    for sales in sales_by_period:
        if sales > 0 and remaining <= sales:
            return round(days + remaining / sales * period_days, 1)
        remaining -= max(sales, 0.0)
        days += period_days
    return None


def overdue_ratio(overdue, open_receivable):
    """Share of the open receivables that is overdue, 0.0 to 1.0 (0 when nothing is open)."""
    if not open_receivable or open_receivable <= 0:
        return 0.0
    return round(max(min(overdue / open_receivable, 1.0), 0.0), 4)
