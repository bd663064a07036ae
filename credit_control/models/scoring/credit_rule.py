from odoo import _, api, models
from odoo.tools import SQL


class CreditRule(models.AbstractModel):
    """Scoring's rule: a grade whose policy allows no credit holds every order on credit."""

    _inherit = "credit.rule"

    @api.model
    def _get_rules(self):
        return super()._get_rules() + [
            ("grade_policy", _("Credit grade: prepayment only"), "_rule_grade_policy"),
            ("payment_terms", _("Payment terms longer than the grade allows"), "_rule_payment_terms"),
        ]

    @api.model
    def _get_fact_queries(self, partner_ids, company, today):
        grades = self.env["credit.score"].sudo()._current_grade_sql(partner_ids, company)
        return super()._get_fact_queries(partner_ids, company, today) + [
            SQL(
                """
            SELECT g.partner_id, jsonb_build_object(
                       'grade', g.grade, 'grade_id', g.grade_id, 'grade_policy', g.policy, 'score', g.score,
                       'grade_max_payment_days', COALESCE(g.max_payment_days, 0))
              FROM (%s) AS g (partner_id, grade, grade_id, policy, score, max_payment_days)
                """,
                grades,
            )
        ]

    @api.model
    def _get_blocked_partner_ids(self, partners, company, today):
        blocked = super()._get_blocked_partner_ids(partners, company, today)
        grades = self.env["credit.score"].sudo()._current_grades(partners.ids, company)
        return blocked | {
            partner_id for partner_id, (_grade, policy, _score) in grades.items() if policy == "prepayment"
        }

    def _rule_grade_policy(self, check):
        """Customers whose credit grade allows no credit buy on prepayment only."""
        if check.facts.get("grade_policy") != "prepayment" or check.order_amount <= 0:
            return None
        return {
            "params": {
                "partner": check.partner.display_name,
                "grade": check.facts["grade"],
                "score": check.facts["score"],
            }
        }

    def _message_grade_policy(self, params):
        return _(
            "%(partner)s is graded %(grade)s (score %(score)s): prepayment only.",
            partner=params["partner"],
            grade=params["grade"],
            score="%.1f" % params["score"],
        )

    def _rule_payment_terms(self, check):
        """Differentiated terms (差异化账期): a grade allows payment terms up to its number of days."""
        max_days = check.facts.get("grade_max_payment_days")
        if not max_days or check.payment_days is None or check.payment_days <= max_days:
            return None
        return {
            "params": {
                "partner": check.partner.display_name,
                "grade": check.facts["grade"],
                "days": check.payment_days,
                "max_days": max_days,
            },
            "value": check.payment_days,
            "threshold": max_days,
        }

    def _message_payment_terms(self, params):
        return _(
            "Payment terms of %(days)s days are longer than the %(max_days)s days grade %(grade)s of "
            "%(partner)s allows.",
            days=params["days"],
            max_days=params["max_days"],
            grade=params["grade"],
            partner=params["partner"],
        )
