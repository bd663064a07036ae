"""Each registry's own status words mapped to five normalised statuses.

Credit decisions need one vocabulary: a company is active, inactive (exists but does not
trade, or its VAT number is not valid), in insolvency or liquidation, dissolved, or we do not
know. The tables are plain dicts so a reviewer can read them against each provider's
documentation; a word missing from a table is "unknown", never a guess.
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

# VIES answers about a VAT number, not a company: an invalid number is not a dissolved company,
# and member-state outages (MS_UNAVAILABLE, TIMEOUT, SERVICE_UNAVAILABLE, MS_MAX_CONCURRENT_REQ,
# GLOBAL_MAX_CONCURRENT_REQ, INVALID_INPUT, …) say nothing at all, so they stay unknown.
VIES = {
    "VALID": ACTIVE,
    "INVALID": INACTIVE,
}

# GLEIF entity.status; an INACTIVE entity is refined by entity.expiration.reason (see normalise).
# registration.status (ISSUED, LAPSED, RETIRED, …) is left out on purpose: a lapsed LEI only
# means the yearly renewal fee was not paid.
GLEIF = {
    "ACTIVE": ACTIVE,
    "INACTIVE": INACTIVE,
}
GLEIF_EXPIRATION_REASONS = {
    "DISSOLVED": DISSOLVED,
}

# Companies House company_status ("registered" and "open" are the live states of other register
# types, such as overseas entities).
COMPANIES_HOUSE = {
    "active": ACTIVE,
    "registered": ACTIVE,
    "open": ACTIVE,
    "liquidation": INSOLVENCY_LIQUIDATION,
    "receivership": INSOLVENCY_LIQUIDATION,
    "administration": INSOLVENCY_LIQUIDATION,
    "voluntary-arrangement": INSOLVENCY_LIQUIDATION,
    "insolvency-proceedings": INSOLVENCY_LIQUIDATION,
    "dissolved": DISSOLVED,
    "converted-closed": DISSOLVED,
    "removed": DISSOLVED,
    "closed": DISSOLVED,
}

# recherche-entreprises etat_administratif: A(ctive) or C(essée).
FR_RECHERCHE = {
    "A": ACTIVE,
    "C": DISSOLVED,
}

# Brønnøysund has no status word, only flags and dates; BRREG_FLAGS turns them into one word,
# the most serious first. "fjernet" is the 410 Gone answer for a unit removed from the register.
BRREG_FLAGS = (
    ("slettedato", "slettet"),
    ("konkurs", "konkurs"),
    ("underTvangsavviklingEllerTvangsopplosning", "underTvangsavviklingEllerTvangsopplosning"),
    ("underAvvikling", "underAvvikling"),
)
NO_BRREG = {
    "registrert": ACTIVE,
    "konkurs": INSOLVENCY_LIQUIDATION,
    "underAvvikling": INSOLVENCY_LIQUIDATION,
    "underTvangsavviklingEllerTvangsopplosning": INSOLVENCY_LIQUIDATION,
    "slettet": DISSOLVED,
    "fjernet": DISSOLVED,
}

# Chinese business registration statuses, shared by Qichacha and Tianyancha. 吊销 (licence
# revoked) leaves a legal person that cannot trade; only 注销 (deregistered) ends it.
CHINA = {
    "存续": ACTIVE,
    "在业": ACTIVE,
    "开业": ACTIVE,
    "在营": ACTIVE,
    "吊销": INACTIVE,
    "吊销，未注销": INACTIVE,
    "吊销，已注销": DISSOLVED,
    "迁出": INACTIVE,
    "停业": INACTIVE,
    "清算": INSOLVENCY_LIQUIDATION,
    "破产": INSOLVENCY_LIQUIDATION,
    "注销": DISSOLVED,
}

TABLES = {
    "vies": VIES,
    "gleif": GLEIF,
    "companies_house": COMPANIES_HOUSE,
    "fr_recherche": FR_RECHERCHE,
    "no_brreg": NO_BRREG,
    "cn_qichacha": CHINA,
    "cn_tianyancha": CHINA,
}

# "存续（在营、开业、在册）": Chinese statuses often carry a gloss after the main word.
_CHINESE_GLOSS_MARKS = ("（", "(", "，", ",")


def brreg_raw_status(unit):
    """The word for a Brønnøysund unit's flags, e.g. {"konkurs": True} -> "konkurs"."""
    return next((word for field, word in BRREG_FLAGS if unit.get(field)), "registrert")


def normalise(provider_code, raw_status, **flags):
    """The normalised status for a provider's own word; UNKNOWN when it is not in the table.

    GLEIF takes ``expiration_reason``: an INACTIVE entity whose LEI expired because it was
    DISSOLVED is dissolved, any other INACTIVE one (merged, …) is only inactive.
    """
    if not isinstance(raw_status, str):
        return UNKNOWN
    table = TABLES.get(provider_code, {})
    word = raw_status.strip()
    status = table.get(word)
    if status is None and table is CHINA:
        status = table.get(_main_chinese_word(word))
    if status == INACTIVE and provider_code == "gleif":
        status = GLEIF_EXPIRATION_REASONS.get(flags.get("expiration_reason"), INACTIVE)
    return status or UNKNOWN


def _main_chinese_word(word):
    for mark in _CHINESE_GLOSS_MARKS:
        word = word.split(mark, 1)[0]
    return word.strip()


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
