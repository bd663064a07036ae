from odoo import api, fields, models

from ..core.credit_rule import CreditCheck


class CreditRule(models.AbstractModel):
    """The desk's read-only judgement of customers: the credit signal of the customer form."""

    _inherit = "credit.rule"

    @api.model
    def _evaluate_partners(self, partners, company):
        """{commercial partner id: (failures, warnings)} of a new order of each of ``partners`` in
        ``company``, judged by the rules of the confirmation with the smallest amount the company
        currency counts: what a salesperson would meet if he sold on credit now.

        Read-only and without lock: the figures, facts and settings are read once for all the
        ``partners`` (a form or a batch), as ``_evaluate_documents`` does for documents.
        """
        today = fields.Date.context_today(self)
        partners = partners.sudo().with_company(company)
        company = company.sudo()
        company._credit_prefetch_settings()
        figures, rows = (
            self.env["credit.exposure"]
            .sudo()
            .with_company(company)
            ._get_figures_and_facts(
                partners,
                company,
                today=today,
                partner_fields=self._get_partner_fields(),
                extra_queries={"facts": self._get_fact_queries(partners.ids, company, today) if partners else []},
            )
        )
        facts = self._get_facts(partners, company, today, rows=rows["facts"])
        settings = self._get_rule_settings(company)
        probe = company.currency_id.rounding
        result = {}
        for partner in partners:
            if partner.id not in figures:
                continue
            check = CreditCheck(
                partner,
                partner,
                company,
                figures[partner.id],
                facts.get(partner.id, {}),
                probe,
                0.0,
                today,
                None,
                "partner",
            )
            failures, warnings = [], []
            for failure in self._run_rules(check, settings):
                (warnings if failure["mode"] == "warn" else failures).append(failure)
            result[partner.id] = (failures, warnings)
        return result
