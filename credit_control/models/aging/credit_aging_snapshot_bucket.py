from odoo import fields, models


class CreditAgingSnapshotBucket(models.Model):
    """One bucket's amount in a snapshot, for trends by bucket over time."""

    _name = "credit.aging.snapshot.bucket"
    _description = "Aging Snapshot Bucket"
    _order = "snapshot_id, sequence"

    snapshot_id = fields.Many2one("credit.aging.snapshot", required=True, ondelete="cascade", index=True)
    sequence = fields.Integer(required=True)
    name = fields.Char(string="Bucket", required=True)
    amount = fields.Monetary(currency_field="currency_id")
    currency_id = fields.Many2one(related="snapshot_id.currency_id")
    snapshot_date = fields.Date(related="snapshot_id.snapshot_date", store=True)
    partner_id = fields.Many2one(related="snapshot_id.partner_id", store=True, string="Customer")
    company_id = fields.Many2one(related="snapshot_id.company_id", store=True)
