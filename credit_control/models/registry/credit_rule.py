from odoo import _, api, fields, models
from odoo.tools import SQL
from odoo.tools.misc import format_date

from ...lib.registry.status import ALARMING


class CreditRule(models.AbstractModel):
    """Registry's rule: customers a registry reports in insolvency, liquidation or dissolved are held."""

    _inherit = "credit.rule"

    @api.model
    def _get_rules(self):
        return super()._get_rules() + [
            ("registry", _("Registry: insolvency, liquidation or dissolution"), "_rule_registry"),
            ("legal_risk", _("Legal risk: active court or authority records"), "_rule_legal_risk"),
        ]

    @api.model
    def _get_partner_fields(self):
        return super()._get_partner_fields() + ["credit_registry_status"]

    @api.model
    def _get_company_fields(self):
        return super()._get_company_fields() + ["credit_registry_hold", "credit_legal_risk_hold"]

    @api.model
    def _get_fact_queries(self, partner_ids, company, today):
        queries = super()._get_fact_queries(partner_ids, company, today)
        if company.credit_legal_risk_hold:
            kinds = self.env["credit.risk.event"]._holding_kinds_sql(partner_ids)
            queries.append(
                SQL(
                    """
            SELECT k.partner_id, jsonb_build_object('legal_risk_kinds', k.kinds)
              FROM (%s) AS k (partner_id, kinds)
                    """,
                    kinds,
                )
            )
        return queries

    @api.model
    def _get_blocked_partner_ids(self, partners, company, today):
        blocked = super()._get_blocked_partner_ids(partners, company, today)
        if company.credit_legal_risk_hold:
            blocked |= set(self.env["credit.risk.event"]._holding_kinds(partners.ids))
        if not company.credit_registry_hold:
            return blocked
        return blocked | set(partners.filtered(lambda partner: partner.credit_registry_status in ALARMING).ids)

    def _rule_registry(self, check):
        """The stored status is read: no registry is called while confirming. Unknown never holds."""
        partner = check.partner
        if not check.company.credit_registry_hold or partner.credit_registry_status not in ALARMING:
            return None
        snapshot = partner.sudo().credit_registry_snapshot_id
        return {
            "params": {
                "partner": partner.display_name,
                "status": partner.credit_registry_status,
                "provider": snapshot.provider_id.name or "",
                "date": fields.Date.to_string(snapshot.date) if snapshot else False,
            }
        }

    def _message_registry(self, params):
        labels = dict(self.env["res.partner"]._fields["credit_registry_status"]._description_selection(self.env))
        return _(
            "Registry reports %(partner)s as %(status)s (%(provider)s, %(date)s)",
            partner=params["partner"],
            status=labels.get(params["status"], params["status"]),
            provider=params["provider"],
            date=format_date(self.env, params["date"]) if params.get("date") else "",
        )

    def _rule_legal_risk(self, check):
        """Active records of a kind that holds (a dishonest-debtor listing by default), as stored by
        the last registry checks: no registry is called while confirming."""
        kinds = check.facts.get("legal_risk_kinds")
        if not kinds:
            return None
        return {"params": {"partner": check.partner.display_name, "kinds": kinds}}

    def _message_legal_risk(self, params):
        labels = dict(self.env["credit.risk.event"]._fields["kind"]._description_selection(self.env))
        kinds = []
        for kind in params.get("kinds") or []:
            kinds.append(labels.get(kind, kind))
        return _(
            "%(partner)s has active legal-risk records that hold orders: %(kinds)s",
            partner=params["partner"],
            kinds=", ".join(kinds),
        )
