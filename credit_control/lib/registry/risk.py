"""Legal-risk records of a company: court, dishonesty and penalty records from commercial registries.

Chinese data providers publish, besides the business status, what courts and authorities
recorded against a company: 失信 (listed as a dishonest judgement debtor), 被执行 (enforcement
cases), 限消 (consumption restriction orders), 裁判文书 (judgements), 行政处罚 (administrative
penalties), 经营异常 (abnormal operations) and 股权冻结 (equity freezes). A client lists the
endpoints it knows in ``risk_endpoints`` ({kind: RiskEndpoint}); each call answers a RiskResult
with the events of one kind. Only facts about the company are kept: the names and ID numbers of
the legal representative, of restricted persons or of other parties are personal data and are
dropped with the client's ``personal_data_keys``.
"""

from dataclasses import dataclass, field
from datetime import date

from .errors import is_transient

DISHONEST = "dishonest"
ENFORCEMENT = "enforcement"
CONSUMPTION_RESTRICTION = "consumption_restriction"
JUDGEMENT = "judgement"
ADMINISTRATIVE_PENALTY = "administrative_penalty"
ABNORMAL_OPERATION = "abnormal_operation"
EQUITY_FREEZE = "equity_freeze"
RISK_KINDS = (
    DISHONEST,
    ENFORCEMENT,
    CONSUMPTION_RESTRICTION,
    JUDGEMENT,
    ADMINISTRATIVE_PENALTY,
    ABNORMAL_OPERATION,
    EQUITY_FREEZE,
)

# How much an active record of each kind weighs in the legal-risk index (0-100): a dishonest
# debtor listing says the company does not pay what a court ordered; a judgement may be a
# plaintiff's win or an ordinary commercial dispute.
DEFAULT_KIND_WEIGHTS = {
    DISHONEST: 40.0,
    CONSUMPTION_RESTRICTION: 30.0,
    ENFORCEMENT: 20.0,
    EQUITY_FREEZE: 20.0,
    ABNORMAL_OPERATION: 15.0,
    ADMINISTRATIVE_PENALTY: 10.0,
    JUDGEMENT: 5.0,
}
MAX_INDEX = 100.0


@dataclass(frozen=True)
class RiskEndpoint:
    """Where a provider lists the records of one kind and the keys of one record.

    ``keys`` maps reference, date, amount, case_number, authority, description, status and
    cleared_on to the provider's keys (missing ones are not given by that provider);
    ``cleared_words``: status words saying the record no longer applies; ``params``: extra
    query parameters (a filter on the company's side in a lawsuit).
    """

    path: str
    keys: dict
    cleared_words: frozenset = frozenset()
    params: tuple = ()


@dataclass
class RiskEvent:
    """One court or authority record against the company, as a provider lists it."""

    kind: str
    reference: str
    event_date: date | None = None
    amount: float | None = None
    case_number: str | None = None
    authority: str | None = None
    description: str | None = None
    cleared: bool = False
    cleared_on: date | None = None


@dataclass
class RiskResult:
    """What one provider listed for one kind of record about one company.

    ``complete`` when the list holds every record the provider has (one page is asked): only a
    complete list clears the records it no longer holds.
    """

    provider: str
    kind: str
    identifier: str | None = None
    events: list = field(default_factory=list)
    total: int | None = None
    error: str | None = None
    http_status: int | None = None
    retry_after: int | None = None
    payload: dict = field(default_factory=dict)

    @property
    def complete(self):
        return not self.error and (self.total is None or self.total <= len(self.events))

    @property
    def transient(self):
        """As for RegistryResult: whether asking again soon may give an answer."""
        return is_transient(self.error, self.http_status)


def legal_risk_index(events, exposure, weights=None):
    """The legal-risk index (0 none, 100 worst) of a customer's active records.

    ``events``: [(kind, amount or None)] of its active records; each weighs its kind's weight,
    up to twice that when its amount is as large as what the customer owes us (``exposure``, in
    the same currency): a claim of that size competes with ours. Capped at 100.
    """
    weights = DEFAULT_KIND_WEIGHTS if weights is None else weights
    index = 0.0
    for kind, amount in events:
        share = min(amount / exposure, 1.0) if amount and exposure and exposure > 0 else 0.0
        index += weights.get(kind, 0.0) * (1.0 + share)
    return min(round(index, 2), MAX_INDEX)
