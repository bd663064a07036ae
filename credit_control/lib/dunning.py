"""Dunning arithmetic: which level an item reaches, promises to pay, fees and late interest.

Plain functions over numbers and dates: the dunning run selects the open items with SQL and
calls these to decide, so the rules are tested without a database.

Levels of a policy are ranked 1, 2, 3… by their delay in days relative to the due date
(negative: a friendly reminder before the due date).
"""

import re
from datetime import date

# Bounds of a level's delay, in days after the due date: a reminder at most a month before it,
# the last level within a year after it.
MIN_LEVEL_DELAY = -30
MAX_LEVEL_DELAY = 365

PROMISE_ACTIVE = "active"
PROMISE_KEPT = "kept"
PROMISE_BROKEN = "broken"

# EU Late Payment Directive 2011/7/EU: reference rate + 8 points, EUR 40 per late invoice.
DIRECTIVE_MARGIN = 8.0
DIRECTIVE_COMPENSATION = 40.0
YEAR_DAYS = 365

_PLACEHOLDER = re.compile(r"%\(([a-z_]+)\)s")


def days_overdue(due_date, on_date):
    """Days from the due date to ``on_date``; negative before the due date."""
    return (on_date - due_date).days


def reached_rank(delays, overdue_days):
    """Rank of the highest level whose delay has passed (0 when none): how late the item is."""
    return sum(1 for delay in delays if delay <= overdue_days)


def next_level_rank(delays, overdue_days, last_rank=0, broken_promise=False, days_since_last=None):
    """Rank of the level to send for an item now, or None when nothing is due.

    ``delays``: the delays in days of the policy's levels, rank 1 first (ascending).
    One level at a time: the item is sent the level after ``last_rank`` (the highest level
    already sent for it), once that level's delay has passed and, when a level was sent before,
    at least the difference of the two levels' delays after it (``days_since_last``: days since
    the last level was sent). A level is never sent twice and an item caught up late is not
    sent the final notice straight away. The levels on or before the due date (delay <= 0) only
    announce it: they are skipped when the item already reached the next level, so an item
    found overdue starts with the first level after the due date.
    A broken promise to pay escalates at once: the next level, whatever the delays.
    """
    rank = last_rank + 1
    while rank < len(delays) and delays[rank - 1] <= 0 and delays[rank] <= overdue_days:
        rank += 1
    if rank > len(delays):
        return None
    if broken_promise:
        return rank
    if delays[rank - 1] > overdue_days:
        return None
    if last_rank and days_since_last is not None:
        if days_since_last < delays[rank - 1] - delays[last_rank - 1]:
            return None
    return rank


def communication_rank(line_ranks):
    """One communication per customer, at the highest level among its items (0 when none)."""
    return max(line_ranks, default=0)


def promise_state(promise_date, promised_amount, paid_since, on_date, tolerance=0.005):
    """State of a promise to pay on ``on_date``: None (no promise), active, kept or broken.

    A promise is active up to and including its date; afterwards it is kept when at least
    the promised amount was paid since it was made, broken otherwise.
    """
    if not promise_date:
        return None
    if promise_date >= on_date:
        return PROMISE_ACTIVE
    if (paid_since or 0.0) + tolerance >= (promised_amount or 0.0):
        return PROMISE_KEPT
    return PROMISE_BROKEN


def interest_rate(reference_rate, margin=DIRECTIVE_MARGIN):
    """Yearly late interest rate in percent: the reference rate plus the margin."""
    return (reference_rate or 0.0) + (margin or 0.0)


def interest_days(overdue_days, days_already_charged=0):
    """Days of interest still to charge on an item: overdue days not charged before."""
    return max(0, (overdue_days or 0) - (days_already_charged or 0))


def late_interest(amount, yearly_rate, days, digits=2, year_days=YEAR_DAYS):
    """Simple interest on ``amount`` at ``yearly_rate`` percent for ``days`` days, rounded."""
    if amount <= 0 or yearly_rate <= 0 or days <= 0:
        return 0.0
    return round(amount * yearly_rate / 100.0 * days / year_days, digits)


def render_text(template, values):
    """Replace the ``%(name)s`` placeholders of ``template`` that ``values`` knows.

    Unknown placeholders are left as they are, so a typo in a configured SMS text shows up
    in the text instead of failing the whole dunning run.
    """
    if not template:
        return ""
    return _PLACEHOLDER.sub(lambda match: str(values.get(match.group(1), match.group(0))), template)


def as_date(value):
    """A date from a date or an ISO string (SQL rows and ORM values alike)."""
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


# GSM 03.38: the basic set counts one septet, the extension table two (escape + char).
_GSM_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§"
    "¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
_GSM_EXTENDED = set("^{}\\[~]|€\f")


def sms_segments(text):
    """(length, segments, unicode) of an SMS text as a phone network counts it.

    GSM-7 texts hold 160 characters in one message, 153 per part when split (extension
    characters such as € count two); any other character (Chinese, emoji) makes the whole
    text UCS-2: 70 characters, 67 per part. What the collector sees before sending.
    """
    text = text or ""
    if not text:
        return 0, 0, False
    if all(char in _GSM_BASIC or char in _GSM_EXTENDED for char in text):
        length = sum(2 if char in _GSM_EXTENDED else 1 for char in text)
        single, part, is_unicode = 160, 153, False
    else:
        # UTF-16 code units: characters beyond the BMP (emoji) take two
        length = len(text.encode("utf-16-le")) // 2
        single, part, is_unicode = 70, 67, True
    segments = 1 if length <= single else -(-length // part)
    return length, segments, is_unicode


# Languages whose honorific follows the family name ("王先生", "田中様", "김선생님").
_TITLE_AFTER_NAME = ("zh", "ja", "ko")


def salutation_name(name, title=None, lang=None):
    """How a letter addresses a contact: "Mr. Wang" in English, "王先生" in Chinese.

    ``title`` is the contact's title as written in ``lang`` (its shortcut when it has one).
    """
    name = (name or "").strip()
    title = (title or "").strip()
    if not title:
        return name
    if (lang or "").split("_")[0] in _TITLE_AFTER_NAME:
        return "%s%s" % (name, title)
    return "%s %s" % (title, name)
