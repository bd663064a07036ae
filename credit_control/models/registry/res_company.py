from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    credit_registry_hold = fields.Boolean(
        string="Hold Customers in Insolvency",
        default=True,
        help="Hold the orders of customers a registry reports in insolvency, liquidation or dissolved. An "
        "unknown registry status never holds an order.",
        prefetch="credit_control",
    )
    credit_legal_risk_hold = fields.Boolean(
        string="Hold Customers with Legal Risk Records",
        default=True,
        help="Hold the orders of customers with an active legal-risk record of a kind that holds (by default a "
        "dishonest judgement debtor listing or a consumption restriction).",
        prefetch="credit_control",
    )
