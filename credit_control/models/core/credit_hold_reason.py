from odoo import api, fields, models


class CreditHoldReason(models.Model):
    """One failed rule of a credit hold, with the figures it was judged on."""

    _name = "credit.hold.reason"
    _description = "Credit Hold Reason"
    _order = "hold_id, sequence, id"

    hold_id = fields.Many2one("credit.hold", required=True, ondelete="cascade", index=True)
    sequence = fields.Integer(default=10)
    rule = fields.Selection(selection="_selection_rule", string="Rule Code", required=True)
    name = fields.Char(string="Rule", compute="_compute_message")
    params = fields.Json(
        string="Facts", readonly=True, help="The facts the rule judged, rendered in the reader's language."
    )
    message = fields.Text(compute="_compute_message")
    value = fields.Monetary(string="Figure", currency_field="currency_id")
    threshold = fields.Monetary(currency_field="currency_id")
    currency_id = fields.Many2one(related="hold_id.company_currency_id")

    @api.depends("rule", "params")
    @api.depends_context("lang")
    def _compute_message(self):
        labels = dict(self.env["credit.rule"]._get_rule_selection())
        for reason in self:
            reason.name = labels.get(reason.rule, reason.rule)
            reason.message = self.env["credit.rule"]._get_reason_message(reason.rule, reason.params or {})

    @api.model
    def _selection_rule(self):
        return self.env["credit.rule"]._get_rule_selection()
