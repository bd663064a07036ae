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


def days_sales_outstanding(open_receivable, credit_sales, period_days):
    """DSO = open receivables / credit sales of the period × days of the period.

    None when there were no sales in the period (the ratio means nothing then).
    """
    if not credit_sales or credit_sales <= 0:
        return None
    return round(open_receivable / credit_sales * period_days, 1)


def overdue_ratio(overdue, open_receivable):
    """Share of the open receivables that is overdue, 0.0 to 1.0 (0 when nothing is open)."""
    if not open_receivable or open_receivable <= 0:
        return 0.0
    return round(max(min(overdue / open_receivable, 1.0), 0.0), 4)
