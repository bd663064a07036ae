"""What Qichacha and Tianyancha share: the same answer, an envelope around one company record.

Both wrap the company in an envelope with a result code and a message, write the registered
capital as text ("1000万人民币") and use the same Chinese status words; only the key names,
the codes and the way dates are written differ, so each client just names them. Their
legal-risk lists (risk.py) come in the same envelope, one endpoint per kind of record, each
described by a RiskEndpoint naming its keys.
"""

from .base import (
    COMPANY_REGISTRY,
    NOT_FOUND,
    USCC,
    VAT,
    RegistryClient,
    RegistryError,
    chinese_company_code,
    parse_capital,
    parse_date,
)
from .risk import RiskEvent, RiskResult
from .status import ACTIVE, DISSOLVED, INACTIVE, INSOLVENCY_LIQUIDATION, UNKNOWN
from .uscc import PLAUSIBLE, check_company_code

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

# one page of records per kind and call: a page is one paid call
RISK_PAGE_SIZE = 20

# "存续（在营、开业、在册）": Chinese statuses often carry a gloss after the main word.
_CHINESE_GLOSS_MARKS = ("（", "(", "，", ",")


class ChineseRegistryClient(RegistryClient):
    """A Chinese business-registration API answering ``{code, message, result: {company}}``.

    Subclasses name the envelope's keys and codes, and the company record's keys in
    ``company_keys`` (legal_name, address, creation_date, legal_form, capital, status,
    identifier); ``read_date`` turns the creation date as written into a date.
    """

    # the unified social credit code; a Chinese company's VAT number is that code too
    identifiers = (USCC, COMPANY_REGISTRY, VAT)
    countries = frozenset({"CN"})
    statuses = CHINA
    requires_api_key = True
    code_key = ""
    message_key = ""
    result_key = ""
    # result codes compared as text: one provider sends "200", the other 0
    success_code = ""
    no_result_code = ""
    company_keys = {}

    @classmethod
    def clean_identifier(cls, identifier):
        """A unified social credit code or a 15-digit registration number; a code that cannot
        exist is never sent (each call is paid)."""
        code, verdict = check_company_code(identifier)
        if verdict not in PLAUSIBLE:
            raise ValueError("not a Chinese company code")
        return code

    @classmethod
    def identify(cls, country_code, identifiers):
        return chinese_company_code(identifiers.get(USCC), identifiers.get(VAT), identifiers.get(COMPANY_REGISTRY))

    @classmethod
    def normalise_status(cls, raw_status, **flags):
        """A word with a gloss ("存续（在营、开业、在册）") is read by its main word."""
        status = super().normalise_status(raw_status, **flags)
        if status == UNKNOWN and isinstance(raw_status, str):
            status = cls.statuses.get(_main_chinese_word(raw_status.strip())) or UNKNOWN
        return status

    def read_date(self, value):
        return parse_date(value)

    def interpret(self, payload, identifier):
        code = str(payload.get(self.code_key))
        if code == self.no_result_code:
            raise RegistryError(NOT_FOUND)
        if code != self.success_code:
            raise RegistryError(f"provider error {code}: {payload.get(self.message_key)}")
        company = payload[self.result_key]
        keys = self.company_keys
        raw_status = company.get(keys["status"])
        capital_amount, capital_currency = parse_capital(company.get(keys["capital"]))
        return self.result(
            payload,
            status=self.normalise_status(raw_status),
            raw_status=raw_status,
            legal_name=company.get(keys["legal_name"]),
            address=company.get(keys["address"]),
            creation_date=self.read_date(company.get(keys["creation_date"])),
            legal_form=company.get(keys["legal_form"]),
            capital_amount=capital_amount,
            capital_currency=capital_currency,
            identifier=company.get(keys["identifier"]) or identifier,
        )

    # -- legal-risk records ----------------------------------------------------------------

    def risk_records(self, payload):
        """(records, total number the provider holds) of a successful legal-risk answer."""
        raise NotImplementedError

    def interpret_risk(self, payload, kind, identifier):
        code = str(payload.get(self.code_key))
        if code == self.no_result_code:
            # nothing recorded against the company: the answer one hopes for
            return RiskResult(
                provider=self.code, kind=kind, identifier=identifier, total=0, payload=self.clean_payload(payload)
            )
        if code != self.success_code:
            raise RegistryError(f"provider error {code}: {payload.get(self.message_key)}")
        records, total = self.risk_records(payload)
        endpoint = self.risk_endpoints[kind]
        events = [self.read_risk_event(kind, endpoint, record) for record in records]
        return RiskResult(
            provider=self.code,
            kind=kind,
            identifier=identifier,
            events=events,
            total=total,
            payload=self.clean_payload(payload),
        )

    def read_risk_event(self, kind, endpoint, record):
        """One record of a legal-risk list -> RiskEvent, from the endpoint's keys."""
        keys = endpoint.keys

        def value(name):
            key = keys.get(name)
            item = record.get(key) if key else None
            return (item.strip() or None) if isinstance(item, str) else item

        event_date = self.read_date(value("date"))
        cleared_on = self.read_date(value("cleared_on"))
        status = value("status")
        cleared = bool(cleared_on) or (
            isinstance(status, str) and any(word in status for word in endpoint.cleared_words)
        )
        case_number = _text(value("case_number"))
        authority = _text(value("authority"))
        # a record without an id of its own is known by what it says
        reference = _text(value("reference")) or case_number
        if not reference:
            reference = "|".join(str(part or "") for part in (event_date, authority, _text(value("description"))))
        return RiskEvent(
            kind=kind,
            reference=reference,
            event_date=event_date,
            amount=_amount(value("amount")),
            case_number=case_number,
            authority=authority,
            description=_text(value("description")),
            cleared=cleared,
            cleared_on=cleared_on,
        )


def _text(value):
    if value is None or isinstance(value, bool):
        return None
    return str(value).strip() or None


def _amount(value):
    """An amount in yuan, given as a number or as text ("128.5万元", "1285000")."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return float(value)
    return parse_capital(str(value))[0]


def _main_chinese_word(word):
    for mark in _CHINESE_GLOSS_MARKS:
        word = word.split(mark, 1)[0]
    return word.strip()
