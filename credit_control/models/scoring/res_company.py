from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class ResCompany(models.Model):
    """Automatic limit cuts and early warnings of the scoring."""

    _inherit = "res.company"

    credit_scorecard_id = fields.Many2one(
        "credit.scorecard",
        string="Default Scorecard",
        domain="[('company_id', '=', id)]",
        help="The scorecard the daily scoring uses for the customers of this company.",
        prefetch="credit_control",
    )
    credit_auto_limit_cut = fields.Boolean(
        string="Cut Limits Automatically",
        help="When a customer's grade drops, or its suggested limit falls below its limit by the "
        "percentage set, the daily scoring lowers the limit to the suggested one. Limits are never raised "
        "automatically.",
        prefetch="credit_control",
    )
    credit_auto_limit_cut_percent = fields.Float(
        string="Cut When Suggested Limit Is Lower By (%)",
        default=20.0,
        help="Cut the limit when the suggested limit is this percentage below it.",
        prefetch="credit_control",
    )
    credit_alert_exposure = fields.Boolean(string="Alert: Exposure Near Limit", default=True, prefetch="credit_control")
    credit_alert_exposure_percent = fields.Float(
        string="Exposure Alert At (% of Limit)", default=90.0, prefetch="credit_control"
    )
    credit_alert_score = fields.Boolean(string="Alert: Score or Grade Drop", default=True, prefetch="credit_control")
    credit_alert_score_drop = fields.Float(string="Score Drop Alert (Points)", default=10.0, prefetch="credit_control")
    credit_alert_overdue = fields.Boolean(string="Alert: New Overdue", default=True, prefetch="credit_control")
    credit_alert_overdue_days = fields.Integer(
        string="Overdue Alert After (Days)", default=30, prefetch="credit_control"
    )
    credit_alert_days_late = fields.Boolean(string="Alert: Paying Later", default=True, prefetch="credit_control")
    credit_alert_days_late_increase = fields.Float(
        string="Paying Later Alert (Days)",
        default=5.0,
        help="Alert when the average days late of the last 90 days exceeds the 90 days before by this many days.",
        prefetch="credit_control",
    )

    @api.model_create_multi
    def create(self, vals_list):
        companies = super().create(vals_list)
        for company in companies:
            self.env["credit.scorecard"]._get_default(company)
        return companies

    @api.constrains("credit_scorecard_id")
    def _check_credit_scorecard_company(self):
        for company in self:
            if company.credit_scorecard_id and company.credit_scorecard_id.company_id != company:
                raise ValidationError(
                    _("The default scorecard of %(company)s must belong to it.", company=company.display_name)
                )

    @api.constrains(
        "credit_auto_limit_cut_percent",
        "credit_alert_exposure_percent",
        "credit_alert_score_drop",
        "credit_alert_overdue_days",
        "credit_alert_days_late_increase",
    )
    def _check_credit_scoring_settings(self):
        for company in self:
            if not 0 <= company.credit_auto_limit_cut_percent <= 100:
                raise ValidationError(_("The automatic limit cut percentage must be between 0 and 100."))
            if company.credit_alert_exposure_percent <= 0:
                raise ValidationError(_("The exposure alert percentage must be positive."))
            if (
                company.credit_alert_score_drop <= 0
                or company.credit_alert_overdue_days < 0
                or company.credit_alert_days_late_increase <= 0
            ):
                raise ValidationError(_("Alert thresholds must be positive."))
