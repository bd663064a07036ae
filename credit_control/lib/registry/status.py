"""The five normalised statuses every registry answer is mapped to.

Credit decisions need one vocabulary: a company is active, inactive (exists but does not
trade, or its VAT number is not valid), in insolvency or liquidation, dissolved, or we do not
know. Each client declares its own table (``statuses``: the provider's words -> these
statuses) as a plain dict, so a reviewer can read it against the provider's documentation; a
word missing from a table is "unknown", never a guess.
"""

ACTIVE = "active"
INACTIVE = "inactive"
INSOLVENCY_LIQUIDATION = "insolvency_liquidation"
DISSOLVED = "dissolved"
UNKNOWN = "unknown"

STATUSES = (ACTIVE, INACTIVE, INSOLVENCY_LIQUIDATION, DISSOLVED, UNKNOWN)

# How bad a status is for a creditor: several registries about one company, the worst wins.
SEVERITY = {UNKNOWN: 0, ACTIVE: 1, INACTIVE: 2, INSOLVENCY_LIQUIDATION: 3, DISSOLVED: 4}
# Statuses that stop selling on credit: the company is being wound up or is gone.
ALARMING = frozenset({INSOLVENCY_LIQUIDATION, DISSOLVED})


def worst(statuses):
    """The most serious of several normalised statuses; UNKNOWN when none is known.

    An unknown answer (an outage, a word missing from a table) never hides a known one.
    """
    return max((status for status in statuses if status in SEVERITY), key=SEVERITY.get, default=UNKNOWN)


# Registry statuses as a 0-100 "health" raw value (unknown stays unknown: neutral points).
HEALTH = {
    ACTIVE: 100.0,
    INACTIVE: 40.0,
    INSOLVENCY_LIQUIDATION: 10.0,
    DISSOLVED: 0.0,
}
