from odoo import fields, models


class CreditFileEvent(models.Model):
    """The credit file's amounts are in company currency: shown with it."""

    _inherit = "credit.file.event"

    currency_id = fields.Many2one(related="company_id.currency_id", string="Currency")
