"""GLEIF: the Legal Entity Identifier record (JSON:API) of a company that has an LEI.

Only the entity status says whether the company lives. The registration status says whether
the LEI itself was renewed: a LAPSED LEI belongs to a company that stopped paying the yearly
fee, not to a dead company.
"""

from .base import LEI, RegistryClient, compact, join_address, lei_is_valid, parse_date, register
from .status import ACTIVE, DISSOLVED, INACTIVE

# ELF code GLEIF uses when the legal form is only given as text, in legalForm.other
_OTHER_LEGAL_FORM = "8888"


@register
class GleifClient(RegistryClient):
    code = "gleif"
    label = "GLEIF LEI records"
    sequence = 60
    identifiers = (LEI,)
    # any country: an LEI names one legal entity worldwide
    countries = None
    # entity.status; an INACTIVE entity is refined by entity.expiration.reason (expiration_reasons).
    # registration.status (ISSUED, LAPSED, RETIRED, …) is left out on purpose: a lapsed LEI only
    # means the yearly renewal fee was not paid.
    statuses = {
        "ACTIVE": ACTIVE,
        "INACTIVE": INACTIVE,
    }
    expiration_reasons = {
        "DISSOLVED": DISSOLVED,
    }
    default_base_url = "https://api.gleif.org/api/v1"

    @classmethod
    def normalise_status(cls, raw_status, expiration_reason=None, **flags):
        """An INACTIVE entity whose LEI expired because it was DISSOLVED is dissolved, any other
        INACTIVE one (merged, …) is only inactive."""
        status = super().normalise_status(raw_status, **flags)
        if status == INACTIVE:
            return cls.expiration_reasons.get(expiration_reason, INACTIVE)
        return status

    @classmethod
    def clean_identifier(cls, identifier):
        if not lei_is_valid(identifier):
            raise ValueError("not an LEI")
        return compact(identifier)

    def build_request(self, identifier, **kwargs):
        return {
            "method": "GET",
            "url": f"{self.base_url}/lei-records/{identifier}",
            "headers": {"Accept": "application/vnd.api+json"},
        }

    def interpret(self, payload, identifier):
        attributes = payload["data"]["attributes"]
        entity = attributes["entity"]
        raw_status = entity.get("status")
        expiration_reason = (entity.get("expiration") or {}).get("reason")
        address = entity.get("legalAddress") or {}
        legal_form = entity.get("legalForm") or {}
        return self.result(
            payload,
            status=self.normalise_status(raw_status, expiration_reason=expiration_reason),
            raw_status=raw_status,
            legal_name=(entity.get("legalName") or {}).get("name"),
            address=join_address(
                address.get("addressLines"),
                address.get("postalCode"),
                address.get("city"),
                address.get("region"),
                address.get("country"),
            ),
            creation_date=parse_date(entity.get("creationDate")),
            legal_form=legal_form.get("other") if legal_form.get("id") == _OTHER_LEGAL_FORM else legal_form.get("id"),
            identifier=attributes.get("lei") or identifier,
        )
