"""GLEIF: the Legal Entity Identifier record (JSON:API) of a company that has an LEI.

Only the entity status says whether the company lives. The registration status says whether
the LEI itself was renewed: a LAPSED LEI belongs to a company that stopped paying the yearly
fee, not to a dead company.
"""

from .base import RegistryClient, compact, join_address, lei_is_valid, parse_date, register
from .status import normalise

# ELF code GLEIF uses when the legal form is only given as text, in legalForm.other
_OTHER_LEGAL_FORM = "8888"


@register
class GleifClient(RegistryClient):
    code = "gleif"
    default_base_url = "https://api.gleif.org/api/v1"

    def clean_identifier(self, identifier):
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
            status=normalise(self.code, raw_status, expiration_reason=expiration_reason),
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
