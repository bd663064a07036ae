"""The errors a registry call may end with, and which of them are worth asking again soon."""

NOT_FOUND = "not found"
# errors that asking again will not change
PERMANENT_ERRORS = frozenset({NOT_FOUND, "invalid identifier", "missing API key", "INVALID_INPUT", "not offered"})


def is_transient(error, http_status):
    """Whether a failure may go away by itself (network, provider trouble, rate limit, a member
    state out of service); "not found", a refused key or an identifier the provider rejects come
    back the same until someone acts."""
    if not error or error in PERMANENT_ERRORS:
        return False
    status = http_status or 0
    return not (400 <= status < 500) or status in (408, 429)
