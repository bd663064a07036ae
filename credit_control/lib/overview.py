"""Arithmetic of the credit overview: limit usage bands, ratios, period DSO, month ends."""

from datetime import date, timedelta

# A customer whose exposure uses this share of its limit in force is "near its limit".
NEAR_LIMIT_RATIO = 0.9
USAGE_OK, USAGE_NEAR, USAGE_OVER = "ok", "near", "over"


def limit_usage_band(exposure, limit, near_ratio=NEAR_LIMIT_RATIO):
    """ "over" when the exposure exceeds a positive limit, "near" from ``near_ratio`` of it,
    "ok" below it or without a limit (no limit means nothing to watch here)."""
    if not limit or limit <= 0:
        return USAGE_OK
    if exposure > limit:
        return USAGE_OVER
    if exposure >= limit * near_ratio:
        return USAGE_NEAR
    return USAGE_OK


def share(part, whole):
    """``part / whole`` rounded to 4 decimals, at most 1.0 (unapplied payments and credit notes
    lower the whole, not the overdue part); 0.0 when ``whole`` is not positive."""
    if not whole or whole <= 0:
        return 0.0
    return round(max(min(part / whole, 1.0), 0.0), 4)


def period_dso(open_receivable, credit_sales, days=90):
    """Days sales outstanding of a whole portfolio: receivables over the credit sales of the
    last ``days`` days, times ``days``. None when nothing was sold (the figure is undefined)."""
    if not credit_sales or credit_sales <= 0:
        return None
    return round(max(open_receivable, 0.0) / credit_sales * days, 1)


def last_month_ends(today, count=12):
    """The ``count`` month ends before ``today``, oldest first."""
    ends = []
    month_end = date(today.year, today.month, 1) - timedelta(days=1)
    for _index in range(count):
        ends.append(month_end)
        month_end = month_end.replace(day=1) - timedelta(days=1)
    return list(reversed(ends))


def age_in_days(since, today):
    """Whole days from a date (or datetime) to ``today``; 0 when empty or in the future."""
    if not since:
        return 0
    since = since.date() if hasattr(since, "date") and callable(since.date) else since
    return max((today - since).days, 0)
