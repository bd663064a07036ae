"""France: the public "recherche d'entreprises" API (annuaire-entreprises), searched by SIREN.

It is a search, so the answer may list other companies: only the one with our SIREN counts.
The officers listed under "dirigeants" are often natural persons and are dropped.
"""

from .base import (
    COMPANY_REGISTRY,
    NOT_FOUND,
    VAT,
    RegistryClient,
    RegistryError,
    french_siren,
    join_address,
    parse_date,
    register,
)
from .status import ACTIVE, DISSOLVED


@register
class FrRechercheClient(RegistryClient):
    code = "fr_recherche"
    label = "France: company directory (recherche-entreprises)"
    sequence = 20
    # the SIREN, or the SIRET it starts, or the French VAT number it is part of
    identifiers = (COMPANY_REGISTRY, VAT)
    countries = frozenset({"FR"})
    # etat_administratif: A(ctive) or C(essée)
    statuses = {
        "A": ACTIVE,
        "C": DISSOLVED,
    }
    default_base_url = "https://recherche-entreprises.api.gouv.fr"
    personal_data_keys = frozenset({"dirigeants"})

    @classmethod
    def identify(cls, country_code, identifiers):
        return french_siren(identifiers.get(COMPANY_REGISTRY), identifiers.get(VAT))

    @classmethod
    def clean_identifier(cls, identifier):
        siren = french_siren(registry=identifier) or french_siren(vat=identifier)
        if not siren:
            raise ValueError("not a SIREN")
        return siren

    def build_request(self, identifier, **kwargs):
        return {"method": "GET", "url": f"{self.base_url}/search", "params": {"q": identifier}}

    def interpret(self, payload, identifier):
        unit = next(
            (unit for unit in payload["results"] if not identifier or unit.get("siren") == identifier),
            None,
        )
        if unit is None:
            raise RegistryError(NOT_FOUND)
        raw_status = unit.get("etat_administratif")
        head_office = unit.get("siege") or {}
        return self.result(
            payload,
            status=self.normalise_status(raw_status),
            raw_status=raw_status,
            legal_name=unit.get("nom_complet") or unit.get("nom_raison_sociale"),
            address=head_office.get("adresse")
            or join_address(head_office.get("code_postal"), head_office.get("libelle_commune")),
            creation_date=parse_date(unit.get("date_creation")),
            legal_form=unit.get("nature_juridique"),
            identifier=unit.get("siren") or identifier,
        )
