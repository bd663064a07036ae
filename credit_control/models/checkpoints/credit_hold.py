from odoo import api, fields, models


class CreditHold(models.Model):
    """Holds of customer invoices stopped at posting."""

    _inherit = "credit.hold"

    checkpoint = fields.Selection(selection_add=[("invoice", "Invoice posting")], ondelete={"invoice": "cascade"})
    move_id = fields.Many2one(
        "account.move",
        string="Invoice",
        readonly=True,
        index="btree_not_null",
        ondelete="cascade",
        check_company=True,
    )

    @api.model
    def _get_document_fields(self):
        return dict(super()._get_document_fields(), invoice="move_id")
