from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    credit_scorecard_id = fields.Many2one(related="company_id.credit_scorecard_id", readonly=False)
    credit_auto_limit_cut = fields.Boolean(related="company_id.credit_auto_limit_cut", readonly=False)
    credit_auto_limit_cut_percent = fields.Float(related="company_id.credit_auto_limit_cut_percent", readonly=False)
    credit_alert_exposure = fields.Boolean(related="company_id.credit_alert_exposure", readonly=False)
    credit_alert_exposure_percent = fields.Float(related="company_id.credit_alert_exposure_percent", readonly=False)
    credit_alert_score = fields.Boolean(related="company_id.credit_alert_score", readonly=False)
    credit_alert_score_drop = fields.Float(related="company_id.credit_alert_score_drop", readonly=False)
    credit_alert_overdue = fields.Boolean(related="company_id.credit_alert_overdue", readonly=False)
    credit_alert_overdue_days = fields.Integer(related="company_id.credit_alert_overdue_days", readonly=False)
    credit_alert_days_late = fields.Boolean(related="company_id.credit_alert_days_late", readonly=False)
    credit_alert_days_late_increase = fields.Float(related="company_id.credit_alert_days_late_increase", readonly=False)
