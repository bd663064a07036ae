from odoo import fields, models


class CreditAgingLine(models.Model):
    _inherit = "credit.aging.line"

    grade = fields.Char(string="Credit Grade", help="The customer's credit grade on the as-of date.")
