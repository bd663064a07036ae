from odoo import fields, models


class CreditAgingBucket(models.Model):
    """One column of an aging report ("Not due", "1-30", …), ordered by sequence."""

    _name = "credit.aging.bucket"
    _description = "Aging Bucket"
    _order = "report_id, sequence"

    report_id = fields.Many2one("credit.aging.report", required=True, ondelete="cascade", index=True)
    sequence = fields.Integer(required=True)
    name = fields.Char(required=True)
    amount = fields.Monetary(compute="_compute_amount", currency_field="currency_id")
    currency_id = fields.Many2one(related="report_id.currency_id")

    def _compute_amount(self):
        totals = {
            bucket.id: amount
            for bucket, amount in self.env["credit.aging.line"]._read_group(
                [("bucket_id", "in", self.ids)], ["bucket_id"], ["amount:sum"]
            )
        }
        for bucket in self:
            bucket.amount = totals.get(bucket.id, 0.0)
