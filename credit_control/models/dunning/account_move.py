from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

DUNNING_GROUPS = "account.group_account_invoice,account.group_account_readonly,credit_control.group_credit_user"


class AccountMove(models.Model):
    """Customer invoices: disputes and promises to pay (``credit.promise``) that pause dunning, and its history."""

    _inherit = "account.move"

    credit_dunning_dispute = fields.Boolean(
        string="In Dispute",
        copy=False,
        tracking=True,
        help="The customer disputes this invoice: it is left out of dunning until this is cleared.",
    )
    credit_promise_ids = fields.One2many(
        "credit.promise",
        "move_id",
        string="Promises to Pay",
        readonly=True,
        groups=DUNNING_GROUPS,
        prefetch="credit_control",
    )
    credit_dunning_line_ids = fields.One2many(
        "credit.dunning.line",
        "move_id",
        string="Dunning History",
        readonly=True,
        groups=DUNNING_GROUPS,
        prefetch="credit_control",
    )
    credit_dunning_level_id = fields.Many2one(
        "credit.dunning.level",
        string="Dunning Level",
        compute="_compute_credit_dunning_level_id",
        groups=DUNNING_GROUPS,
        help="Highest dunning level sent for this invoice.",
        prefetch="credit_control",
    )

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------

    def _compute_credit_dunning_level_id(self):
        lines = self.env["credit.dunning.line"].sudo()
        reached = {}
        for move, level in lines._read_group(
            [("move_id", "in", self.ids), ("state", "=", "sent"), ("excluded", "=", False)],
            ["move_id", "level_id"],
            order="move_id, level_id",
        ):
            current = reached.get(move.id)
            if not current or level.rank > current.rank:
                reached[move.id] = level
        for move in self:
            move.credit_dunning_level_id = reached.get(move.id, False)

    # ------------------------------------------------------------------
    # Constraints
    # ------------------------------------------------------------------

    @api.constrains("credit_dunning_dispute", "move_type")
    def _check_credit_dunning_dispute(self):
        for move in self.filtered("credit_dunning_dispute"):
            if move.move_type not in ("out_invoice", "out_receipt"):
                raise ValidationError(
                    _("Only customer invoices can be disputed or carry a promise to pay (%(move)s).", move=move.name)
                )

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_credit_record_promise(self):
        self.ensure_one()
        return self.env["credit.dunning.promise"]._open_for(move=self)
