from odoo import _, api, models

REQUEST_MODEL = "credit.limit.request"
# the default tiers of a company, in approval order (base_tier_validation approves the highest
# definition sequence first): sales manager, credit manager, general manager
DEFAULT_TIERS = [
    {
        "xmlid": "sales_team.group_sale_manager",
        "key": "sales",
        "sequence": 30,
        "domain": "[('kind', '!=', 'release')]",
    },
    {
        "xmlid": "credit_control.group_credit_manager",
        "key": "credit",
        "sequence": 20,
        "domain": "[]",
    },
    {
        "xmlid": "credit_control.group_credit_director",
        "key": "director",
        "sequence": 10,
        "domain": "['|', '|', ('kind', '=', 'release'), ('approval_amount', '>=', 50000), ('grade', '=', 'D')]",
    },
]


class TierDefinition(models.Model):
    _inherit = "tier.definition"

    @api.model
    def _get_tier_validation_model_names(self):
        return super()._get_tier_validation_model_names() + [REQUEST_MODEL]

    @api.model
    def _create_credit_default_tiers(self, companies=None):
        """The three default tiers of credit requests, in each company that has no tier of them yet
        (at install, and for every new company)."""
        companies = (
            companies if companies is not None else self.env["res.company"].search([("active", "in", (True, False))])
        )
        model = self.env["ir.model"]._get(REQUEST_MODEL)
        configured = set(
            self.with_context(active_test=False)
            .search([("model_id", "=", model.id), ("company_id", "in", companies.ids)])
            .company_id.ids
        )
        names = self.with_context(lang="en_US")._credit_tier_names()
        vals_list = []
        for company in companies:
            if company.id in configured:
                continue
            for tier in DEFAULT_TIERS:
                group = self.env.ref(tier["xmlid"], raise_if_not_found=False)
                if not group:
                    continue
                vals_list.append(
                    {
                        "name": names[tier["key"]],
                        "model_id": model.id,
                        "company_id": company.id,
                        "review_type": "group",
                        "reviewer_group_id": group.id,
                        "sequence": tier["sequence"],
                        "definition_domain": tier["domain"],
                        "approve_sequence": True,
                        "has_comment": True,
                        "notify_on_pending": True,
                        "notify_on_rejected": True,
                    }
                )
        tiers = self.with_context(lang="en_US").create(vals_list)
        # the names in every installed language (tier names are translatable)
        by_key = {names[key]: key for key in names}
        for lang, _name in self.env["res.lang"].get_installed():
            if lang == "en_US":
                continue
            translated = self.with_context(lang=lang)._credit_tier_names()
            for tier in tiers:
                key = by_key.get(tier.with_context(lang="en_US").name)
                if key:
                    tier.update_field_translations("name", {lang: translated[key]})
        return tiers

    @api.model
    def _credit_tier_names(self):
        return {
            "sales": _("Sales manager"),
            "credit": _("Credit manager"),
            "director": _("General manager"),
        }
