"""What every registry client shares: the result, the HTTP round trip, the choice of providers.

Each client describes itself (code, label, identifiers accepted, countries covered, status
table) and ``register`` files it in ``CLIENTS``: the choice of providers, the status
normalisation and Odoo's list of registries are all read from there, so a new provider is one
client module (``__init__`` imports every module of this package) and one provider record.

A registry lookup feeds a credit decision, so it must never break one: ``fetch`` turns every
transport, HTTP and payload problem into a result with status "unknown" and an ``error``, and
the caller decides whether to retry. Personal data (officers' names, phone numbers, e-mail
addresses) and API keys never reach a result, since results may be stored and shown.
"""

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from email.utils import parsedate_to_datetime

import requests

from .errors import NOT_FOUND, is_transient
from .risk import RiskResult
from .status import STATUSES, UNKNOWN
from .uscc import PLAUSIBLE, check_company_code, is_uscc

REDACTED = "***"

# VIES prefixes: Greece is EL, Northern Ireland XI (the UK itself left VIES in 2021).
EU_VAT_PREFIXES = frozenset(
    "AT BE BG CY CZ DE DK EE EL ES FI FR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK XI".split()
)
_VAT_PREFIX_BY_COUNTRY = {"GR": "EL"}

# The identifiers a client may accept, named as the keyword arguments of choose_providers.
VAT = "vat"
COMPANY_REGISTRY = "company_registry"
LEI = "lei"
USCC = "unified_social_credit_code"
IDENTIFIER_TYPES = (VAT, COMPANY_REGISTRY, LEI, USCC)


_CAPITAL_AMOUNT = re.compile(r"(\d[\d,]*(?:\.\d+)?)\s*(亿|万)?")
_CAPITAL_MULTIPLIERS = {"万": 10**4, "亿": 10**8}
# checked in order: "美元" (US dollar) also contains "元", which alone means yuan
_CAPITAL_CURRENCIES = (
    ("美元", "USD"),
    ("港元", "HKD"),
    ("港币", "HKD"),
    ("欧元", "EUR"),
    ("日元", "JPY"),
    ("英镑", "GBP"),
    ("人民币", "CNY"),
    ("元", "CNY"),
)


@dataclass
class RegistryResult:
    """What one provider said about one company, in the normalised vocabulary of status.py."""

    provider: str
    status: str = UNKNOWN
    raw_status: str | None = None
    legal_name: str | None = None
    address: str | None = None
    creation_date: date | None = None
    legal_form: str | None = None
    capital_amount: float | None = None
    capital_currency: str | None = None
    identifier: str | None = None
    consultation_number: str | None = None
    # Companies House flags: insolvency proceedings in the past, annual accounts filed late
    insolvency_history: bool | None = None
    accounts_overdue: bool | None = None
    error: str | None = None
    http_status: int | None = None
    retry_after: int | None = None
    payload: dict = field(default_factory=dict)

    @property
    def transient(self):
        """Whether the failure may go away by itself (network, provider trouble, rate limit, a
        member state out of service), so asking again soon is worth it; "not found", a refused
        key or an identifier the provider rejects come back the same until someone acts."""
        return is_transient(self.error, self.http_status)


class RegistryError(Exception):
    """A payload that is not an answer about the company: not found, provider error, odd shape."""


# code -> client class, filled by @register as the provider modules load
CLIENTS = {}


def register(client_class):
    """Class decorator: file a client under its code, once its self-description is checked."""
    code = client_class.code
    if not code or not client_class.label:
        raise TypeError(f"{client_class.__name__} needs a code and a label")
    if code in CLIENTS and CLIENTS[code] is not client_class:
        raise ValueError(f"registry provider {code!r} is already registered by {CLIENTS[code].__name__}")
    if not client_class.identifiers or not set(client_class.identifiers) <= set(IDENTIFIER_TYPES):
        raise ValueError(f"{client_class.__name__}: identifiers must be among {IDENTIFIER_TYPES}")
    if not set(client_class.statuses.values()) <= set(STATUSES):
        raise ValueError(f"{client_class.__name__}: statuses must map to {STATUSES}")
    CLIENTS[code] = client_class
    return client_class


def registered_clients():
    """The registered client classes in the order they are asked (``sequence``, then code)."""
    return sorted(CLIENTS.values(), key=lambda client_class: (client_class.sequence, client_class.code))


class RegistryClient:
    """One provider, describing itself in class attributes:

    - ``code`` (stored on the Odoo provider) and ``label`` (its name in the list of registries);
    - ``identifiers``: the identifier types of IDENTIFIER_TYPES it accepts, most telling first;
    - ``countries``: ISO codes of the countries it covers; None for any country (the identifier
      itself says where the company is, as an LEI or a prefixed EU VAT number does);
    - ``statuses``: the provider's own status words -> normalised statuses (status.py);
    - ``sequence``: the order of choose_providers, national registers first (they say the most);
    - ``default_base_url``, ``requires_api_key``, ``uses_secret``, ``uses_requester_vat``.

    Subclasses implement ``build_request`` (what to send) and ``interpret`` (a decoded
    payload -> RegistryResult), and ``register`` makes them reachable by code.
    """

    code = ""
    label = ""
    sequence = 100
    identifiers = ()
    countries = None
    statuses = {}
    default_base_url = ""
    requires_api_key = False
    # whether the constructor takes a ``secret`` besides the key (signed requests)
    uses_secret = False
    # whether fetch takes the requester's own VAT number (``requester_vat``)
    uses_requester_vat = False
    personal_data_keys = frozenset()
    # kind of legal-risk record (risk.py) -> RiskEndpoint, for the providers that list them
    risk_endpoints = {}

    def __init__(self, base_url=None, api_key=None, timeout=10, session=None):
        self.base_url = (base_url or self.default_base_url).rstrip("/")
        self.api_key = api_key
        self.timeout = timeout
        self.session = session

    @property
    def secrets(self):
        """Values to blank out of anything a result carries."""
        return tuple(secret for secret in (self.api_key,) if secret)

    # -- self-description --------------------------------------------------------------------

    @classmethod
    def covers(cls, country_code):
        """Whether companies of this country may be asked about."""
        return cls.countries is None or compact(country_code) in cls.countries

    @classmethod
    def identify(cls, country_code, identifiers):
        """The identifier to ask about, from {identifier type: value} of a company of a country it
        covers; None when none of them is one this provider accepts. By default the first accepted
        type whose value ``clean_identifier`` takes."""
        for identifier_type in cls.identifiers:
            try:
                return cls.clean_identifier(identifiers.get(identifier_type))
            except ValueError:
                continue
        return None

    @classmethod
    def normalise_status(cls, raw_status, **flags):
        """The normalised status for the provider's own word; UNKNOWN when not in ``statuses``."""
        if not isinstance(raw_status, str):
            return UNKNOWN
        return cls.statuses.get(raw_status.strip()) or UNKNOWN

    # -- to implement ------------------------------------------------------------------------

    @classmethod
    def clean_identifier(cls, identifier):
        """The identifier as the provider wants it; ValueError when it cannot be one."""
        identifier = str(identifier or "").strip()
        if not identifier:
            raise ValueError("empty identifier")
        return identifier

    def build_request(self, identifier, **kwargs):
        """Keyword arguments for requests' ``request()``: method, url and params, json, headers…"""
        raise NotImplementedError

    def interpret(self, payload, identifier):
        """A decoded JSON object -> RegistryResult; raises RegistryError (or KeyError, TypeError…
        on an unexpected shape) when the payload is no answer about the company."""
        raise NotImplementedError

    def parse_http_error(self, status_code, payload, identifier):
        """The result for an HTTP error status; overridden where an error body still says something."""
        error = {404: NOT_FOUND, 429: "rate limited"}.get(status_code, f"HTTP {status_code}")
        return self.failure(identifier, error, payload)

    # -- shared ------------------------------------------------------------------------------

    def fetch(self, identifier, **kwargs):
        """Ask the provider about one company. Never raises for network, HTTP or payload trouble."""
        try:
            identifier = self.clean_identifier(identifier)
        except ValueError:
            return self.failure(str(identifier or ""), "invalid identifier")
        if self.requires_api_key and not self.api_key:
            return self.failure(identifier, "missing API key")
        response, error = self.send(self.build_request(identifier, **kwargs))
        if error:
            return self.failure(identifier, error)
        return self.read_response(response, identifier)

    def send(self, request):
        """(response, None), or (None, error) when no HTTP answer came."""
        http = self.session or requests
        try:
            return http.request(timeout=self.timeout, **request), None
        except requests.Timeout:
            return None, "timeout"
        except requests.RequestException:
            # the exception's text holds the URL, and some providers want the key in the URL
            return None, "connection error"

    def read_response(self, response, identifier, parse=None, failure=None):
        """Turn an HTTP response into a result, whatever its status and body. ``parse`` and
        ``failure`` make the result (a legal-risk result for ``fetch_risk``)."""
        try:
            payload = response.json()
        except ValueError:
            payload = None
        status_code = response.status_code
        if status_code >= 400:
            if failure:
                error = {404: NOT_FOUND, 429: "rate limited"}.get(status_code, f"HTTP {status_code}")
                result = failure(identifier, error, payload)
            else:
                result = self.parse_http_error(status_code, payload, identifier)
            result.retry_after = parse_retry_after(response.headers.get("Retry-After"))
        else:
            failure = failure or self.failure
            if payload is None:
                result = failure(identifier, "malformed JSON")
            elif not isinstance(payload, dict):
                result = failure(identifier, "unexpected payload")
            elif not payload:
                result = failure(identifier, "empty response")
            else:
                result = (parse or self.parse)(payload, identifier)
        result.http_status = status_code
        return result

    # -- legal-risk records, for the clients with ``risk_endpoints`` --------------------------

    def fetch_risk(self, identifier, kind):
        """Ask the provider for the records of one kind (risk.py) about one company: one paid
        call. Never raises for network, HTTP or payload trouble, as ``fetch``."""

        def failure(identifier, error, payload=None):
            return self.risk_failure(kind, identifier, error, payload)

        try:
            identifier = self.clean_identifier(identifier)
        except ValueError:
            return failure(str(identifier or ""), "invalid identifier")
        if kind not in self.risk_endpoints:
            return failure(identifier, "not offered")
        if self.requires_api_key and not self.api_key:
            return failure(identifier, "missing API key")
        response, error = self.send(self.build_risk_request(identifier, self.risk_endpoints[kind]))
        if error:
            return failure(identifier, error)
        return self.read_response(
            response,
            identifier,
            parse=lambda payload, identifier: self.parse_risk(payload, kind, identifier),
            failure=failure,
        )

    def parse_risk(self, payload, kind, identifier=None):
        """A decoded payload -> RiskResult of ``kind``; never raises."""
        try:
            return self.interpret_risk(payload, kind, identifier)
        except RegistryError as error:
            return self.risk_failure(kind, identifier, str(error), payload)
        except (KeyError, IndexError, TypeError, ValueError, AttributeError):
            return self.risk_failure(kind, identifier, "unexpected payload", payload)

    def build_risk_request(self, identifier, endpoint):
        """Keyword arguments for requests' ``request()`` of one RiskEndpoint."""
        raise NotImplementedError

    def interpret_risk(self, payload, kind, identifier):
        """A decoded JSON object -> RiskResult of ``kind``; raises as ``interpret`` does."""
        raise NotImplementedError

    def risk_failure(self, kind, identifier, error, payload=None):
        """A legal-risk result saying what went wrong, without any secret in it."""
        return RiskResult(
            provider=self.code,
            kind=kind,
            identifier=identifier or None,
            error=redact(error, self.secrets),
            payload=self.clean_payload(payload),
        )

    def parse(self, payload, identifier=None):
        """A decoded payload -> RegistryResult; never raises, so it is tested without HTTP."""
        try:
            return self.interpret(payload, identifier)
        except RegistryError as error:
            return self.failure(identifier, str(error), payload)
        except (KeyError, IndexError, TypeError, ValueError, AttributeError):
            return self.failure(identifier, "unexpected payload", payload)

    def result(self, payload, **values):
        """A result carrying the payload without personal data or secrets."""
        return RegistryResult(provider=self.code, payload=self.clean_payload(payload), **values)

    def failure(self, identifier, error, payload=None):
        """An "unknown" result saying what went wrong, without any secret in it."""
        return RegistryResult(
            provider=self.code,
            identifier=identifier or None,
            error=redact(error, self.secrets),
            payload=self.clean_payload(payload),
        )

    def clean_payload(self, payload):
        if not isinstance(payload, dict):
            return {}
        return redact(without_keys(payload, self.personal_data_keys), self.secrets)


def get_client(code, **config):
    """A configured client, e.g. get_client("companies_house", api_key=…)."""
    if code not in CLIENTS:
        raise ValueError(f"unknown registry provider {code!r}")
    return CLIENTS[code](**config)


def normalise(provider_code, raw_status, **flags):
    """The normalised status for a provider's own word, from the provider's ``statuses``;
    UNKNOWN for a word missing from it or a provider nobody registered."""
    client_class = CLIENTS.get(provider_code)
    return client_class.normalise_status(raw_status, **flags) if client_class else UNKNOWN


# -- small parsing helpers shared by the providers ---------------------------------------------


def without_keys(value, keys):
    """A copy of a decoded JSON value without the given keys, at any depth."""
    if isinstance(value, dict):
        return {key: without_keys(item, keys) for key, item in value.items() if key not in keys}
    if isinstance(value, list):
        return [without_keys(item, keys) for item in value]
    return value


def redact(value, secrets):
    """A copy of a string or decoded JSON value with every secret replaced by ***."""
    if isinstance(value, str):
        for secret in secrets:
            value = value.replace(secret, REDACTED)
        return value
    if isinstance(value, dict):
        return {key: redact(item, secrets) for key, item in value.items()}
    if isinstance(value, list):
        return [redact(item, secrets) for item in value]
    return value


def parse_date(value):
    """'2001-03-01', '2012-06-06T15:53:00Z' or '2008-03-15 00:00:00' -> date; None otherwise."""
    if not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def join_address(*parts):
    """One line from address parts, lists of lines included, skipping empty ones."""
    lines = []
    for part in parts:
        for line in part if isinstance(part, list) else [part]:
            if isinstance(line, str) and line.strip():
                lines.append(line.strip())
    return ", ".join(lines) or None


def parse_capital(text):
    """Registered capital as written in Chinese registries -> (amount, currency code).

    "1000万人民币" -> (10000000.0, "CNY"), "200万美元" -> (2000000.0, "USD"); 万 is 10^4 and
    亿 10^8. (None, None) when there is no figure; the currency is None when not written.
    """
    match = _CAPITAL_AMOUNT.search(text) if isinstance(text, str) else None
    if not match:
        return None, None
    amount = float(match.group(1).replace(",", "")) * _CAPITAL_MULTIPLIERS.get(match.group(2), 1)
    currency = next((code for word, code in _CAPITAL_CURRENCIES if word in text), None)
    return round(amount, 2), currency


def parse_retry_after(value, now=None):
    """Seconds to wait from a Retry-After header: a number of seconds or an HTTP date."""
    value = (value or "").strip()
    if value.isdigit():
        return int(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(int((when - (now or datetime.now(timezone.utc))).total_seconds()), 0)


# -- identifiers and the choice of providers ---------------------------------------------------


def compact(value):
    """'fr 40 303 265 045' -> 'FR40303265045': what people type, as registries want it."""
    return re.sub(r"[\s.\-/]", "", str(value or "")).upper()


def vies_vat(country_code, vat):
    """The VAT number with its VIES prefix, or None when VIES cannot check it."""
    vat = compact(vat)
    if vat.startswith("GR"):
        vat = "EL" + vat[2:]
    if not vat[:2].isalpha():
        prefix = _VAT_PREFIX_BY_COUNTRY.get(compact(country_code), compact(country_code))
        vat = prefix + vat
    if vat[:2] in EU_VAT_PREFIXES and vat[2:].isalnum():
        return vat
    return None


def lei_is_valid(lei):
    """ISO 17442: 18 characters and 2 check digits, the whole being 1 modulo 97."""
    lei = compact(lei)
    if not re.fullmatch(r"[A-Z0-9]{18}\d{2}", lei):
        return False
    return int("".join(str(int(char, 36)) for char in lei)) % 97 == 1


def companies_house_number(registry):
    """'445790' -> '00445790'; 'SC123456' as is; None when it is no company number."""
    number = compact(registry)
    if re.fullmatch(r"\d{1,8}", number):
        return number.zfill(8)
    return number if re.fullmatch(r"[A-Z]{2}\d{6}", number) else None


def french_siren(registry=None, vat=None):
    """The 9-digit SIREN from a SIREN, a SIRET (SIREN + 5 digits) or a French VAT number."""
    registry, vat = compact(registry), compact(vat)
    if re.fullmatch(r"\d{9}|\d{14}", registry):
        return registry[:9]
    match = re.fullmatch(r"FR[0-9A-Z]{2}(\d{9})", vat)
    return match.group(1) if match else None


def norwegian_orgnr(registry=None, vat=None):
    """The 9-digit organisation number, also found in a VAT number such as NO923609016MVA."""
    registry, vat = compact(registry), compact(vat)
    if re.fullmatch(r"\d{9}", registry):
        return registry
    match = re.fullmatch(r"NO(\d{9})(MVA)?", vat)
    return match.group(1) if match else None


def chinese_company_code(uscc=None, vat=None, company_registry=None):
    """The code to ask a Chinese registry about: the unified social credit code (a legacy
    15-digit registration number entered there is taken too), else the VAT number when it is a
    credit code, else the company registry number when it is either. None when none of them can
    exist, so that nobody pays for a lookup; a failed check character is no reason to skip a code
    (the 2015 pilot codes fail it)."""
    code, verdict = check_company_code(uscc)
    if verdict in PLAUSIBLE:
        return code
    if is_uscc(vat):
        return compact(vat)
    code, verdict = check_company_code(company_registry)
    return code if verdict in PLAUSIBLE else None


def choose_providers(country_code, vat=None, company_registry=None, lei=None, unified_social_credit_code=None):
    """[(provider code, identifier)] worth asking about a company: every registered client that
    covers the country and accepts one of its identifiers, in the clients' ``sequence`` order."""
    identifiers = {VAT: vat, COMPANY_REGISTRY: company_registry, LEI: lei, USCC: unified_social_credit_code}
    choices = []
    for client_class in registered_clients():
        if client_class.covers(country_code) and (identifier := client_class.identify(country_code, identifiers)):
            choices.append((client_class.code, identifier))
    return choices
