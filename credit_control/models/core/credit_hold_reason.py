from odoo import api, fields, models


class CreditHoldReason(models.Model):
    """One failed rule of a credit hold, with the figures it was judged on."""

    _name = "credit.hold.reason"
    _description = "Credit Hold Reason"
    _order = "hold_id, sequence, id"

    hold_id = fields.Many2one("credit.hold", required=True, ondelete="cascade", index=True)
    sequence = fields.Integer(default=10)
    rule = fields.Selection(selection="_selection_rule", string="Rule Code", required=True)
    name = fields.Char(string="Rule", required=True)
    message = fields.Text(required=True)
    value = fields.Monetary(string="Figure", currency_field="currency_id")
    threshold = fields.Monetary(currency_field="currency_id")
    currency_id = fields.Many2one(related="hold_id.company_currency_id")

    @api.model
    def _selection_rule(self):
        return self.env["credit.rule"]._get_rule_selection()
