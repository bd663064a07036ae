"""Norway: the Brønnøysund Register Centre's Enhetsregisteret (Central Coordinating Register).

There is no status word, only flags (konkurs, underAvvikling, …) and a deletion date, turned
into one word by status.brreg_raw_status. A unit removed from the register answers 410 Gone.
"""

from .base import RegistryClient, join_address, norwegian_orgnr, parse_date, register
from .status import DISSOLVED, brreg_raw_status, normalise

GONE = 410


@register
class BrregClient(RegistryClient):
    code = "no_brreg"
    default_base_url = "https://data.brreg.no/enhetsregisteret/api"
    personal_data_keys = frozenset({"epostadresse", "telefon", "mobil"})

    def clean_identifier(self, identifier):
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
            status=normalise(self.code, raw_status),
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
