"""Norway: the Brønnøysund Register Centre's Enhetsregisteret (Central Coordinating Register).

There is no status word, only flags (konkurs, underAvvikling, …) and a deletion date, turned
into one word by brreg_raw_status. A unit removed from the register answers 410 Gone.
"""

from .base import COMPANY_REGISTRY, VAT, RegistryClient, join_address, norwegian_orgnr, parse_date, register
from .status import ACTIVE, DISSOLVED, INSOLVENCY_LIQUIDATION

GONE = 410

# No status word, only flags and dates: one word for them, the most serious first. "fjernet" is
# the 410 Gone answer for a unit removed from the register.
BRREG_FLAGS = (
    ("slettedato", "slettet"),
    ("konkurs", "konkurs"),
    ("underTvangsavviklingEllerTvangsopplosning", "underTvangsavviklingEllerTvangsopplosning"),
    ("underAvvikling", "underAvvikling"),
)


def brreg_raw_status(unit):
    """The word for a Brønnøysund unit's flags, e.g. {"konkurs": True} -> "konkurs"."""
    return next((word for field, word in BRREG_FLAGS if unit.get(field)), "registrert")


@register
class BrregClient(RegistryClient):
    code = "no_brreg"
    label = "Norway: Brønnøysund Register Centre"
    sequence = 30
    # the organisation number, also found in a VAT number such as NO923609016MVA
    identifiers = (COMPANY_REGISTRY, VAT)
    countries = frozenset({"NO"})
    statuses = {
        "registrert": ACTIVE,
        "konkurs": INSOLVENCY_LIQUIDATION,
        "underAvvikling": INSOLVENCY_LIQUIDATION,
        "underTvangsavviklingEllerTvangsopplosning": INSOLVENCY_LIQUIDATION,
        "slettet": DISSOLVED,
        "fjernet": DISSOLVED,
    }
    default_base_url = "https://data.brreg.no/enhetsregisteret/api"
    personal_data_keys = frozenset({"epostadresse", "telefon", "mobil"})

    @classmethod
    def identify(cls, country_code, identifiers):
        return norwegian_orgnr(identifiers.get(COMPANY_REGISTRY), identifiers.get(VAT))

    @classmethod
    def clean_identifier(cls, identifier):
        orgnr = norwegian_orgnr(registry=identifier) or norwegian_orgnr(vat=identifier)
        if not orgnr:
            raise ValueError("not an organisation number")
        return orgnr

    def build_request(self, identifier, **kwargs):
        return {
            "method": "GET",
            "url": f"{self.base_url}/enheter/{identifier}",
            "headers": {"Accept": "application/json"},
        }

    def interpret(self, payload, identifier):
        raw_status = brreg_raw_status(payload)
        address = payload.get("forretningsadresse") or payload.get("postadresse") or {}
        return self.result(
            payload,
            status=self.normalise_status(raw_status),
            raw_status=raw_status,
            legal_name=payload.get("navn"),
            address=join_address(
                address.get("adresse"), address.get("postnummer"), address.get("poststed"), address.get("land")
            ),
            creation_date=parse_date(payload.get("stiftelsesdato") or payload.get("registreringsdatoEnhetsregisteret")),
            legal_form=(payload.get("organisasjonsform") or {}).get("kode"),
            identifier=payload["organisasjonsnummer"],
        )

    def parse_http_error(self, status_code, payload, identifier):
        if status_code != GONE:
            return super().parse_http_error(status_code, payload, identifier)
        payload = payload if isinstance(payload, dict) else {}
        return self.result(
            payload, status=DISSOLVED, raw_status="fjernet", legal_name=payload.get("navn"), identifier=identifier
        )
