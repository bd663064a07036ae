"""Collections arithmetic: worklist priority, promise outcomes, roles, portfolios and CEI.

Plain functions over numbers and dates: the worklist refresh reads the figures of every
customer with one SQL query and calls these, so the rules are tested without a database.

**Priority** of a worklist task (higher first)::

    priority = w_amount × log10(1 + Σ residual × (1 + days overdue / 30)) × grade risk
             + w_broken × broken promises (12 months)
             + w_final × (1 if the final dunning level was reached)

The overdue amount is weighted by age (an item 30 days late counts twice, 90 days four
times); the logarithm keeps one huge debtor from burying every other one; the grade risk
multiplies it (A 1.0, B 1.25, C 1.5, D 2.0, no grade 1.25). The weights are company settings.
"""

import math
from datetime import timedelta

GRADE_RISK = {"A": 1.0, "B": 1.25, "C": 1.5, "D": 2.0}
DEFAULT_GRADE_RISK = 1.25
DEFAULT_WEIGHTS = (10.0, 5.0, 10.0)  # amount, broken promises, final level

PROMISE_OPEN = "open"
PROMISE_KEPT = "kept"
PROMISE_BROKEN = "broken"

# Who acts, in the order a customer climbs them: the salesperson's friendly reminder, the
# collector's calls, finance's formal letter, the boss in person.
ROLE_CHAIN = ("salesperson", "collector", "finance_manager", "general_manager")
# where the dunning level targets of the dunning package sit on that chain
ROLE_INDEX = {
    "salesperson": 0,
    "collector": 1,
    "accountant": 1,
    "user": 1,
    "credit_manager": 2,
    "finance_manager": 2,
    "general_manager": 3,
}

# Next action in days after a contact, by outcome (a promise waits for its date).
NEXT_ACTION_DAYS = {
    "reached": 7,
    "no_answer": 1,
    "wrong_number": 1,
    "promise": 1,
    "dispute": 14,
    "paid": 3,
    "refused": 0,
}


def age_weight(days_overdue):
    """Weight of an overdue item by its age: 1 on the due date, +1 per 30 days late."""
    return 1.0 + max(days_overdue or 0, 0) / 30.0


def grade_risk(grade):
    """Multiplier of a grade (A best); unknown or no grade is between A and C."""
    return GRADE_RISK.get((grade or "").strip().upper()[:1], DEFAULT_GRADE_RISK)


def priority(weighted_overdue, grade=None, broken_promises=0, final_level=False, weights=DEFAULT_WEIGHTS):
    """Priority of a worklist task (see the module docstring), rounded to 2 decimals."""
    w_amount, w_broken, w_final = weights
    amount_points = math.log10(1.0 + max(weighted_overdue or 0.0, 0.0)) * grade_risk(grade)
    value = w_amount * amount_points + w_broken * (broken_promises or 0) + (w_final if final_level else 0.0)
    return round(value, 2)


def promise_outcome(promise_date, amount, paid, on_date, tolerance_pct=0.0, grace_days=0):
    """State of a promise to pay on ``on_date``: kept, broken or still open.

    Kept as soon as the payments reach the promised amount less the tolerance (%), whenever
    they arrive; broken when the promised date plus the grace days has passed without that;
    open otherwise.
    """
    target = (amount or 0.0) * (1.0 - (tolerance_pct or 0.0) / 100.0)
    if (paid or 0.0) + 0.005 >= target:
        return PROMISE_KEPT
    if on_date > promise_date + timedelta(days=grace_days or 0):
        return PROMISE_BROKEN
    return PROMISE_OPEN


def kept_rate(kept, broken):
    """Share of the settled promises that were kept, in % (None when none was settled)."""
    settled = (kept or 0) + (broken or 0)
    if not settled:
        return None
    return round(100.0 * (kept or 0) / settled, 2)


def role_index(level_target, escalation_steps=0):
    """Position on ROLE_CHAIN of who acts: the dunning level's target (the collector without
    a level), moved up by the escalations without response, capped at the last role."""
    base = ROLE_INDEX.get(level_target, 1) if level_target else 1
    return min(base + max(escalation_steps or 0, 0), len(ROLE_CHAIN) - 1)


def next_action_date(outcome, on_date, promise_date=None):
    """When to act again after a contact with ``outcome``."""
    if outcome == "promise" and promise_date:
        return promise_date + timedelta(days=NEXT_ACTION_DAYS["promise"])
    return on_date + timedelta(days=NEXT_ACTION_DAYS.get(outcome, 1))


def balance_portfolio(items, collectors, loads=None):
    """Spread ``items`` [(key, amount)] over ``collectors`` so their amounts are even.

    Largest item first, each to the collector with the smallest load (``loads``: what each
    collector already carries; ties go to the first collector in the given order).
    Returns {key: collector}.
    """
    if not collectors:
        return {}
    load = {collector: (loads or {}).get(collector, 0.0) for collector in collectors}
    order = {collector: index for index, collector in enumerate(collectors)}
    result = {}
    for key, amount in sorted(items, key=lambda item: (-(item[1] or 0.0), item[0])):
        collector = min(collectors, key=lambda c: (load[c], order[c]))
        result[key] = collector
        load[collector] += amount or 0.0
    return result


def rule_matches(rule, facts):
    """Whether an assignment rule fits a customer.

    ``rule``: dict with the optional criteria team_id, country_id, grade, amount_min,
    amount_max (empty: any); ``facts``: the customer's team_id, country_id, grade, amount.
    The amount band is [amount_min, amount_max).
    """
    for key in ("team_id", "country_id"):
        if rule.get(key) and rule[key] != facts.get(key):
            return False
    if rule.get("grade") and (facts.get("grade") or "") != rule["grade"]:
        return False
    amount = facts.get("amount") or 0.0
    if rule.get("amount_min") and amount < rule["amount_min"]:
        return False
    if rule.get("amount_max") and amount >= rule["amount_max"]:
        return False
    return True


def first_matching(rules, facts):
    """The ``user_id`` of the first rule (in the given order) that fits, or None."""
    for rule in rules:
        if rule_matches(rule, facts):
            return rule["user_id"]
    return None


def cei(receivable_begin, credit_sales, receivable_end, receivable_end_current):
    """Collection effectiveness index in %, over a period (None when nothing was collectible).

    CEI = (beginning receivables + credit sales − ending receivables)
          ÷ (beginning receivables + credit sales − ending current receivables) × 100:
    what was collected over what could have been (all but what is not due yet).
    """
    collectible = (receivable_begin or 0.0) + (credit_sales or 0.0) - (receivable_end_current or 0.0)
    if collectible <= 0:
        return None
    collected = (receivable_begin or 0.0) + (credit_sales or 0.0) - (receivable_end or 0.0)
    return round(100.0 * collected / collectible, 2)


def aging_buckets(days_overdue):
    """Index of the worklist bucket of an item: 0 not due, 1 1-30, 2 31-60, 3 61-90, 4 over 90."""
    if days_overdue <= 0:
        return 0
    if days_overdue <= 30:
        return 1
    if days_overdue <= 60:
        return 2
    if days_overdue <= 90:
        return 3
    return 4
