from odoo import _, api, fields, models


class CreditRule(models.AbstractModel):
    """A limit past its validity date: the credit_limit rule judges the limit in force the company
    chose (0 or the suggested limit), and its reason says the limit expired."""

    _inherit = "credit.rule"

    @api.model
    def _get_rules(self):
        """The group limit comes just before the member's own limit."""
        rules = super()._get_rules()
        codes = [code for code, _label, _method in rules]
        position = codes.index("credit_limit") if "credit_limit" in codes else len(rules)
        rules.insert(position, ("group_limit", _("Credit group limit exceeded"), "_rule_group_limit"))
        return rules

    @api.model
    def _get_facts(self, partners, company, today, rows=None):
        facts = super()._get_facts(partners, company, today, rows=rows)
        for partner_id, group_facts in self.env["credit.group"]._get_member_facts(partners, company, today).items():
            facts.setdefault(partner_id, {}).update(group_facts)
        return facts

    def _rule_group_limit(self, check):
        if "group" not in check.facts:
            return None
        limit = check.facts["group_limit"]
        exposure = check.facts["group_exposure"] + check.pending_amount
        excess = exposure + check.order_amount - limit
        if check.order_amount <= 0 or check.company.currency_id.compare_amounts(excess, 0.0) <= 0:
            return None
        return {
            "params": {
                "group": check.facts["group"],
                "exposure": exposure,
                "order": check.order_amount,
                "limit": limit,
                "excess": excess,
            },
            "value": exposure + check.order_amount,
            "threshold": limit,
        }

    def _message_group_limit(self, params):
        return _(
            "Credit group %(group)s: group exposure %(exposure)s plus this order %(order)s exceeds the group limit "
            "%(limit)s by %(excess)s.",
            group=params["group"],
            exposure=self._format_amount_param(params, "exposure"),
            order=self._format_amount_param(params, "order"),
            limit=self._format_amount_param(params, "limit"),
            excess=self._format_amount_param(params, "excess"),
        )

    @api.model
    def _get_partner_fields(self):
        # the insurance fields are read only in the companies that cap limits by the insurance
        # (a query then): two company-dependent columns less on every other check
        return super()._get_partner_fields() + ["credit_limit_valid_until"]

    @api.model
    def _get_company_fields(self):
        return super()._get_company_fields() + [
            "credit_limit_expiry_policy",
            "credit_insurance_mode",
            "credit_insurance_tolerance",
        ]

    def _rule_credit_limit(self, check):
        failure = super()._rule_credit_limit(check)
        valid_until = check.partner.credit_limit_valid_until
        if failure and valid_until and valid_until < check.today:
            failure["params"]["expired_on"] = fields.Date.to_string(valid_until)
        partner, company = check.partner, check.company
        if (
            failure
            and company.credit_insurance_mode == "cap"
            and partner.credit_insurance_state in ("granted", "reduced", "cancelled")
        ):
            cap = partner.credit_insured_limit + company.credit_insurance_tolerance
            if company.currency_id.compare_amounts(cap, failure["params"]["limit"]) <= 0:
                failure["params"]["insured_cap"] = cap
        return failure

    def _message_credit_limit(self, params):
        message = super()._message_credit_limit(params)
        if "insured_cap" in params:
            message = _(
                "%(message)s The limit is capped by the credit insurance at %(cap)s.",
                message=message,
                cap=self._format_amount_param(params, "insured_cap"),
            )
        if params.get("expired_on"):
            return _("Credit limit expired on %(date)s. %(message)s", date=params["expired_on"], message=message)
        return message
