"""Credit decisions: what a limit request asks for, who must approve it, when a customer is
reviewed again and what a limit is worth after its validity date."""

import calendar
from datetime import date, timedelta

KIND_APPLICATION = "application"
KIND_INCREASE = "increase"
KIND_DECREASE = "decrease"
KIND_TEMPORARY = "temporary"
KIND_PAYMENT_TERMS = "payment_terms"
KIND_RELEASE = "release"
KIND_REVIEW = "review"
LIMIT_KINDS = (KIND_APPLICATION, KIND_INCREASE, KIND_DECREASE, KIND_REVIEW)

EXPIRY_ZERO = "zero"
EXPIRY_SUGGESTED = "suggested"

DEFAULT_REVIEW_MONTHS = {"A": 12, "B": 6, "C": 3, "D": 1}
UNGRADED_REVIEW_MONTHS = 6


def approval_amount(kind, current_limit, requested_limit, temp_increase=0.0, release_excess=0.0):
    """The amount the tiers judge: the new limit of a first credit, the increase of an increase,
    the temporary increase, the excess released; nothing for decreases and payment terms."""
    if kind == KIND_APPLICATION:
        return max(requested_limit or 0.0, 0.0)
    if kind in (KIND_INCREASE, KIND_REVIEW):
        return max((requested_limit or 0.0) - (current_limit or 0.0), 0.0)
    if kind == KIND_TEMPORARY:
        return max(temp_increase or 0.0, 0.0)
    if kind == KIND_RELEASE:
        return max(release_excess or 0.0, 0.0)
    return 0.0


def check_request_values(kind, current_limit, requested_limit, temp_increase, temp_expiry, today):
    """The error of a request's figures, or None: an increase must raise the limit, a decrease
    lower it, a temporary increase needs an amount and a future expiry."""
    if kind in LIMIT_KINDS and (requested_limit or 0.0) < 0:
        return "negative"
    if kind == KIND_INCREASE and (requested_limit or 0.0) <= (current_limit or 0.0):
        return "not_higher"
    if kind == KIND_DECREASE and (requested_limit or 0.0) >= (current_limit or 0.0):
        return "not_lower"
    if kind == KIND_APPLICATION and (requested_limit or 0.0) <= 0:
        return "no_amount"
    if kind == KIND_TEMPORARY:
        if (temp_increase or 0.0) <= 0:
            return "no_amount"
        if not temp_expiry or temp_expiry < today:
            return "expiry"
    return None


def release_above_authority(excess, authority, grade, director_grades):
    """Whether releasing a hold needs approval beyond the credit manager: the excess over the
    limit is above the company's authority amount (0: no amount limit), or the grade is one
    the company reserves to the tiers."""
    if grade and grade in director_grades:
        return True
    return bool(authority) and (excess or 0.0) > authority


def parse_grades(text):
    """'D, C' → {'D', 'C'}."""
    return {part.strip().upper() for part in (text or "").split(",") if part.strip()}


def add_months(day, months):
    """``day`` plus ``months`` calendar months, clamped to the month's last day."""
    month_index = day.month - 1 + months
    year = day.year + month_index // 12
    month = month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def review_months(grade, frequencies, default=UNGRADED_REVIEW_MONTHS):
    """Months between two reviews of a customer of ``grade`` ({grade: months})."""
    months = frequencies.get(grade) if grade else None
    return months if months and months > 0 else default


def next_review_date(from_date, grade, frequencies):
    return add_months(from_date, review_months(grade, frequencies))


def earliest(*days):
    """The earliest of the dates given, ignoring empty ones."""
    days = [day for day in days if day]
    return min(days) if days else None


def limit_after_expiry(limit, valid_until, today, policy, suggested_limit):
    """The limit in force: the limit itself until its validity date (included), then zero or
    the suggested limit (never more than the limit), as the company chose."""
    if not valid_until or today <= valid_until:
        return limit
    if policy == EXPIRY_SUGGESTED:
        return min(limit or 0.0, max(suggested_limit or 0.0, 0.0))
    return 0.0


def validity_reminder_due(valid_until, today, days_before=30):
    """Whether the reminder of a limit's validity is due today or was due (and it is not past)."""
    return bool(valid_until) and today <= valid_until <= today + timedelta(days=days_before)
