"""Scorecard arithmetic: raw value → points, weights, score, grade, suggested limit.

Plain functions over numbers: the Odoo models gather the raw values with SQL and call
these, so every rule of the scorecard is tested without a database.
"""

from dataclasses import dataclass

MAX_POINTS = 100.0

# The manual rating a credit manager gives, as a 0-100 raw value.
MANUAL_RATING_VALUES = {
    "excellent": 100.0,
    "good": 75.0,
    "fair": 50.0,
    "poor": 25.0,
    "bad": 0.0,
}


class ScoringError(ValueError):
    """A scorecard that cannot score; ``reason`` names the problem for the user message."""

    def __init__(self, reason, **details):
        super().__init__(reason)
        self.reason = reason
        self.details = details


@dataclass
class FactorResult:
    """One line of a score's explanation."""

    code: str
    raw: float | None
    points: float
    weight: float  # normalised: the weights of a scorecard add up to 1
    neutral: bool = False

    @property
    def contribution(self):
        return self.points * self.weight


def points_linear(raw, worst, best):
    """0 points at ``worst``, 100 at ``best``, straight in between, clamped.

    ``best`` may be below ``worst`` (fewer days late is better).
    """
    if worst == best:
        raise ScoringError("flat_bounds")
    share = (raw - worst) / (best - worst)
    return round(min(max(share, 0.0), 1.0) * MAX_POINTS, 2)


def check_bands(bands):
    """Refuse a band mapping with no band, an empty band, a gap or an overlap.

    ``bands``: (value_from, value_to, points); each band covers [from, to).
    """
    if not bands:
        raise ScoringError("no_bands")
    ordered = sorted(bands, key=lambda band: band[0])
    for value_from, value_to, points in ordered:
        if value_to <= value_from:
            raise ScoringError("empty_band", value_from=value_from, value_to=value_to)
        if not 0 <= points <= MAX_POINTS:
            raise ScoringError("band_points", points=points)
    for (_from, previous_to, _points), (next_from, _to, _points2) in zip(ordered, ordered[1:], strict=False):
        if next_from > previous_to:
            raise ScoringError("gap", value_from=previous_to, value_to=next_from)
        if next_from < previous_to:
            raise ScoringError("overlap", value_from=next_from, value_to=previous_to)
    return ordered


def points_from_bands(raw, bands):
    """Points of the band holding ``raw``; below the first band or above the last, the edge band."""
    ordered = sorted(bands, key=lambda band: band[0])
    for _value_from, value_to, points in ordered:
        if raw < value_to:
            return float(points)
    return float(ordered[-1][2])


def normalise_weights(weights):
    """Weights scaled to add up to 1; refuses negative weights and a zero total."""
    if any(weight < 0 for weight in weights):
        raise ScoringError("negative_weight")
    total = sum(weights)
    if not weights or total <= 0:
        raise ScoringError("zero_weight")
    return [weight / total for weight in weights]


def score_of(results):
    """The 0-100 score: the weighted sum of the factors' points (weights normalised)."""
    return round(sum(result.contribution for result in results), 2)


def check_grades(min_scores):
    """Grades are bands [min score, next min score): they must start at 0, within 0-100, no duplicate."""
    if not min_scores:
        raise ScoringError("no_grades")
    if any(not 0 <= value <= MAX_POINTS for value in min_scores):
        raise ScoringError("grade_range")
    if len(set(min_scores)) != len(min_scores):
        raise ScoringError("grade_overlap")
    if min(min_scores) != 0:
        raise ScoringError("grade_gap")


def grade_index(score, min_scores):
    """Index in ``min_scores`` of the grade of ``score``: the highest minimum not above it."""
    best = None
    for index, minimum in enumerate(min_scores):
        if score >= minimum and (best is None or minimum > min_scores[best]):
            best = index
    return best


def suggested_limit(sales_12_months, percent, cap=0.0, rounding=100.0):
    """A share of the trailing 12-month sales, capped (0 = no cap), rounded down."""
    amount = max(sales_12_months or 0.0, 0.0) * (percent or 0.0) / 100.0
    if cap:
        amount = min(amount, cap)
    if rounding:
        amount = (amount // rounding) * rounding
    return amount


def limit_cut_due(current_limit, suggested, threshold_percent, grade_dropped):
    """Whether the automatic mode cuts ``current_limit`` down to ``suggested``.

    Only cuts, never raises: on a grade drop, or when the suggestion is below the current limit
    by at least ``threshold_percent``. A customer without a limit (0) is left alone, and so is a
    suggestion of 0 (no sales to base it on; a limit of 0 may mean "unlimited"): a grade that
    allows no credit is enforced by its prepayment policy instead.
    """
    if not current_limit or current_limit <= 0 or suggested <= 0 or suggested >= current_limit:
        return False
    if grade_dropped:
        return True
    return (current_limit - suggested) / current_limit * 100.0 >= threshold_percent


def paying_later(previous_days_late, current_days_late, min_increase_days):
    """True when the average days late grew by at least ``min_increase_days`` between periods."""
    if previous_days_late is None or current_days_late is None:
        return False
    return current_days_late - previous_days_late >= min_increase_days
