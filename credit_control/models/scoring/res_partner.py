from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

from .credit_scorecard_grade import GRADE_POLICIES

MANUAL_RATING_SELECTION = [
    ("excellent", "Excellent"),
    ("good", "Good"),
    ("fair", "Fair"),
    ("poor", "Poor"),
    ("bad", "Bad"),
]


class ResPartner(models.Model):
    """The customer's current score and grade, readable by salespeople, changed by credit managers only."""

    _inherit = "res.partner"

    credit_manual_rating = fields.Selection(
        MANUAL_RATING_SELECTION,
        string="Manual Rating",
        tracking=True,
        help="A credit manager's own judgement (references, collateral…), a factor of the score.",
        prefetch="credit_control",
    )
    credit_score = fields.Float(compute="_compute_credit_score", digits=(16, 1), prefetch="credit_control")
    credit_grade = fields.Char(
        compute="_compute_credit_score", search="_search_credit_grade", prefetch="credit_control"
    )
    credit_score_date = fields.Date(string="Scored On", compute="_compute_credit_score", prefetch="credit_control")
    credit_suggested_limit = fields.Monetary(
        string="Suggested Limit",
        compute="_compute_credit_score",
        currency_field="credit_currency_id",
        help="The credit limit the scorecard suggests from the grade and the last 12 months of sales.",
        prefetch="credit_control",
    )
    credit_grade_policy = fields.Selection(
        GRADE_POLICIES, string="Grade Policy", compute="_compute_credit_score", prefetch="credit_control"
    )
    credit_score_explanation = fields.Html(
        string="Score Explanation", compute="_compute_credit_score", sanitize=False, prefetch="credit_control"
    )

    @api.depends_context("company")
    def _compute_credit_score(self):
        commercial = self.commercial_partner_id._origin
        current = self.env["credit.score"]._current_scores(commercial.ids, self.env.company)
        for partner in self:
            score = current.get(partner.commercial_partner_id._origin.id)
            partner.credit_score = score.score if score else 0.0
            partner.credit_grade = score.grade if score else False
            partner.credit_score_date = score.checked_date if score else False
            partner.credit_suggested_limit = score.suggested_limit if score else 0.0
            partner.credit_grade_policy = score.grade_id.policy if score else False
            partner.credit_score_explanation = score.explanation_html if score else False

    def _search_credit_grade(self, operator, value):
        if operator not in ("=", "!=", "in", "not in"):
            raise UserError(_("Unsupported search on the credit grade: %s", operator))
        grades = [value] if isinstance(value, str) else list(value or [])
        self.env["credit.score"].flush_model(["partner_id", "company_id", "grade", "is_current"])
        self.env.cr.execute(
            SQL(
                "SELECT partner_id FROM credit_score WHERE is_current AND company_id = %s AND grade = ANY(%s)",
                self.env.company.id,
                grades,
            )
        )
        partner_ids = [row[0] for row in self.env.cr.fetchall()]
        in_operator = "in" if operator in ("=", "in") else "not in"
        return [("commercial_partner_id", in_operator, partner_ids)]

    def action_credit_compute_score(self):
        """Score these customers now (the daily cron scores everyone with activity)."""
        if not self.env.user.has_group("credit_control.group_credit_user"):
            raise AccessError(_("Only credit users can compute credit scores."))
        self.env["credit.score"]._run_scoring(self.env.company, partners=self.commercial_partner_id)
        return True

    def action_credit_apply_suggested_limit(self):
        """Set the credit limit to the suggested one (tracked in the chatter)."""
        self._ensure_credit_manager()
        for partner in self.commercial_partner_id:
            if not partner.credit_score_date:
                raise UserError(
                    _("%(partner)s has no credit score yet: compute it first.", partner=partner.display_name)
                )
            partner.credit_limit = partner.credit_suggested_limit
        return True

    def action_view_credit_scores(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("credit_control.action_credit_score")
        action["domain"] = [
            ("partner_id", "=", self.commercial_partner_id.id),
            ("company_id", "=", self.env.company.id),
        ]
        action["context"] = {}
        return action

    def _credit_score_batch(self, company, today):
        """One batch of the daily scoring (``credit.batch``): scoring the same customers again on
        the same day writes no new row."""
        self.env["credit.score"]._run_scoring(company, partners=self, today=today)

    @api.model
    def _get_credit_manager_fields(self):
        return super()._get_credit_manager_fields() + ["credit_manual_rating"]
