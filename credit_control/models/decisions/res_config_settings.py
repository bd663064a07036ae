from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    credit_limit_locked = fields.Boolean(related="company_id.credit_limit_locked", readonly=False)
    credit_release_authority = fields.Monetary(related="company_id.credit_release_authority", readonly=False)
    credit_release_director_grades = fields.Char(related="company_id.credit_release_director_grades", readonly=False)
    credit_review_enabled = fields.Boolean(related="company_id.credit_review_enabled", readonly=False)
    credit_review_months_a = fields.Integer(related="company_id.credit_review_months_a", readonly=False)
    credit_review_months_b = fields.Integer(related="company_id.credit_review_months_b", readonly=False)
    credit_review_months_c = fields.Integer(related="company_id.credit_review_months_c", readonly=False)
    credit_review_months_d = fields.Integer(related="company_id.credit_review_months_d", readonly=False)
    credit_limit_expiry_policy = fields.Selection(related="company_id.credit_limit_expiry_policy", readonly=False)
    credit_insurance_mode = fields.Selection(related="company_id.credit_insurance_mode", readonly=False)
    credit_insurance_tolerance = fields.Monetary(related="company_id.credit_insurance_tolerance", readonly=False)
