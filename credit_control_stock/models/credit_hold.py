from odoo import api, fields, models


class CreditHold(models.Model):
    """Holds of outgoing deliveries stopped at validation."""

    _inherit = "credit.hold"

    checkpoint = fields.Selection(selection_add=[("delivery", "Delivery validation")], ondelete={"delivery": "cascade"})
    picking_id = fields.Many2one(
        "stock.picking",
        string="Delivery",
        readonly=True,
        index="btree_not_null",
        ondelete="cascade",
        check_company=True,
    )

    @api.model
    def _get_document_fields(self):
        return dict(super()._get_document_fields(), delivery="picking_id")
