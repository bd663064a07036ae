"""UK Companies House: the company profile, with its status, type and incorporation date.

The API key is the user name of HTTP basic authentication, with an empty password. Besides
the status, the profile tells whether the company ever went through insolvency proceedings
and whether its annual accounts are overdue: warning signs of an active company.
"""

from .base import COMPANY_REGISTRY, RegistryClient, companies_house_number, join_address, parse_date, register
from .status import ACTIVE, DISSOLVED, INSOLVENCY_LIQUIDATION


@register
class CompaniesHouseClient(RegistryClient):
    code = "companies_house"
    label = "UK Companies House"
    sequence = 10
    identifiers = (COMPANY_REGISTRY,)
    countries = frozenset({"GB"})
    # company_status ("registered" and "open" are the live states of other register types, such
    # as overseas entities)
    statuses = {
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
    default_base_url = "https://api.company-information.service.gov.uk"
    requires_api_key = True
    # "care of" names a person or firm receiving the mail, not the company
    personal_data_keys = frozenset({"care_of"})

    @classmethod
    def clean_identifier(cls, identifier):
        number = companies_house_number(identifier)
        if not number:
            raise ValueError("not a company number")
        return number

    def build_request(self, identifier, **kwargs):
        return {"method": "GET", "url": f"{self.base_url}/company/{identifier}", "auth": (self.api_key, "")}

    def interpret(self, payload, identifier):
        raw_status = payload["company_status"]
        office = payload.get("registered_office_address") or {}
        return self.result(
            payload,
            status=self.normalise_status(raw_status),
            raw_status=raw_status,
            legal_name=payload.get("company_name"),
            address=join_address(
                office.get("po_box"),
                office.get("premises"),
                office.get("address_line_1"),
                office.get("address_line_2"),
                office.get("locality"),
                office.get("region"),
                office.get("postal_code"),
                office.get("country"),
            ),
            creation_date=parse_date(payload.get("date_of_creation")),
            legal_form=payload.get("type"),
            identifier=payload.get("company_number") or identifier,
            insolvency_history=bool(payload.get("has_insolvency_history")),
            accounts_overdue=bool((payload.get("accounts") or {}).get("overdue")),
        )
