from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    credit_hold_enabled = fields.Boolean(related="company_id.credit_hold_enabled", readonly=False)
    credit_overdue_check = fields.Boolean(related="company_id.credit_overdue_check", readonly=False)
    credit_overdue_tolerance_days = fields.Integer(related="company_id.credit_overdue_tolerance_days", readonly=False)
    credit_overdue_tolerance_amount = fields.Monetary(
        related="company_id.credit_overdue_tolerance_amount", readonly=False
    )
    credit_no_limit_policy = fields.Selection(related="company_id.credit_no_limit_policy", readonly=False)
    credit_aging_basis = fields.Selection(related="company_id.credit_aging_basis", readonly=False)
    credit_aging_boundaries = fields.Char(related="company_id.credit_aging_boundaries", readonly=False)
    # --- scoring ---
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
    # --- registry ---
    credit_registry_hold = fields.Boolean(related="company_id.credit_registry_hold", readonly=False)
