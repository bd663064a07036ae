"""EU VIES: is a VAT number registered for intra-EU trade (REST API of the European Commission).

VIES knows VAT numbers, not companies: an invalid number makes the customer "inactive", never
"dissolved", and a member state that does not answer leaves the question open ("unknown").
With the requester's own VAT number, VIES returns a consultation number, the proof that the
check was made.
"""

from .base import VAT, RegistryClient, RegistryError, compact, register, vies_vat
from .status import ACTIVE, INACTIVE, UNKNOWN

# what VIES prints where a member state does not share the trader's name or address
_NOT_SHARED = "---"


@register
class ViesClient(RegistryClient):
    code = "vies"
    label = "EU VIES VAT check"
    sequence = 70
    identifiers = (VAT,)
    # any country: the VAT number's prefix names the member state (XI: Northern Ireland)
    countries = None
    # VIES answers about a VAT number, not a company: an invalid number is not a dissolved
    # company, and member-state outages (MS_UNAVAILABLE, TIMEOUT, SERVICE_UNAVAILABLE,
    # MS_MAX_CONCURRENT_REQ, GLOBAL_MAX_CONCURRENT_REQ, INVALID_INPUT, …) say nothing at all,
    # so they stay unknown.
    statuses = {
        "VALID": ACTIVE,
        "INVALID": INACTIVE,
    }
    default_base_url = "https://ec.europa.eu/taxation_customs/vies/rest-api"
    uses_requester_vat = True

    @classmethod
    def identify(cls, country_code, identifiers):
        """A bare number takes the VIES prefix of the company's country (EL for Greece)."""
        return vies_vat(country_code, identifiers.get(VAT))

    @classmethod
    def clean_identifier(cls, identifier):
        vat = vies_vat(None, identifier)
        if not vat:
            raise ValueError("not an EU VAT number")
        return vat

    def build_request(self, identifier, requester_vat=None, **kwargs):
        body = {"countryCode": identifier[:2], "vatNumber": identifier[2:]}
        requester = vies_vat(None, requester_vat) if requester_vat else None
        if requester:
            body.update(requesterMemberStateCode=requester[:2], requesterNumber=requester[2:])
        return {"method": "POST", "url": f"{self.base_url}/check-vat-number", "json": body}

    def interpret(self, payload, identifier):
        if payload.get("errorWrappers"):
            codes = [wrapper.get("error") for wrapper in payload["errorWrappers"] if wrapper.get("error")]
            raise RegistryError(", ".join(codes) or "provider error")
        if not isinstance(payload.get("valid"), bool):
            raise RegistryError("unexpected payload")
        raw_status = payload.get("userError")
        if raw_status in (None, "", "VALID", "INVALID"):
            raw_status = "VALID" if payload["valid"] else "INVALID"
        status = self.normalise_status(raw_status)
        return self.result(
            payload,
            status=status,
            raw_status=raw_status,
            legal_name=_shared(payload.get("name")),
            address=_shared(payload.get("address")),
            identifier=compact(f"{payload.get('countryCode', '')}{payload.get('vatNumber', '')}") or identifier,
            consultation_number=payload.get("requestIdentifier") or None,
            # MS_UNAVAILABLE, TIMEOUT…: the check did not happen, the caller may retry
            error=raw_status if status == UNKNOWN else None,
        )

    def parse_http_error(self, status_code, payload, identifier):
        if isinstance(payload, dict) and payload.get("errorWrappers"):
            return self.parse(payload, identifier)
        return super().parse_http_error(status_code, payload, identifier)


def _shared(text):
    """A VIES name or address on one line; None when the member state keeps it to itself."""
    if not isinstance(text, str) or text.strip() in ("", _NOT_SHARED):
        return None
    return ", ".join(line.strip() for line in text.splitlines() if line.strip())
