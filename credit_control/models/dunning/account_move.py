from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

DUNNING_GROUPS = "account.group_account_invoice,account.group_account_readonly,credit_control.group_credit_user"


class AccountMove(models.Model):
    """Customer invoices: disputes and promises to pay that pause dunning, and its history."""

    _inherit = "account.move"

    credit_dunning_dispute = fields.Boolean(
        string="In Dispute",
        copy=False,
        tracking=True,
        help="The customer disputes this invoice: it is left out of dunning until this is cleared.",
    )
    credit_promise_date = fields.Date(
        string="Promised Payment Date",
        copy=False,
        tracking=True,
        help="The customer promised to pay by this date: no dunning until then; if the promised amount "
        "is not paid by then, the dunning of this invoice escalates.",
    )
    credit_promise_amount = fields.Monetary(
        string="Promised Amount", copy=False, tracking=True, currency_field="currency_id"
    )
    credit_promise_residual = fields.Monetary(
        string="Amount Due When Promised",
        copy=False,
        readonly=True,
        currency_field="currency_id",
        help="The amount due when the promise was recorded: payments since then count towards it.",
    )
    credit_dunning_line_ids = fields.One2many(
        "credit.dunning.line", "move_id", string="Dunning History", readonly=True, groups=DUNNING_GROUPS
    )
    credit_dunning_level_id = fields.Many2one(
        "credit.dunning.level",
        string="Dunning Level",
        compute="_compute_credit_dunning_level_id",
        groups=DUNNING_GROUPS,
        help="Highest dunning level sent for this invoice.",
    )

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

    @api.constrains("credit_promise_date", "credit_promise_amount", "credit_dunning_dispute")
    def _check_credit_promise(self):
        for move in self:
            if not (move.credit_promise_date or move.credit_promise_amount or move.credit_dunning_dispute):
                continue
            if not move.is_sale_document(include_receipts=True) or move.move_type == "out_refund":
                raise ValidationError(
                    _("Only customer invoices can be disputed or carry a promise to pay (%(move)s).", move=move.name)
                )
            if move.credit_promise_amount < 0:
                raise ValidationError(_("The promised amount of %(move)s cannot be negative.", move=move.name))
            if move.credit_promise_amount and not move.credit_promise_date:
                raise ValidationError(_("Give the date the customer promised to pay %(move)s by.", move=move.name))

    def write(self, vals):
        promise = "credit_promise_date" in vals or "credit_promise_amount" in vals
        if promise and vals.get("credit_promise_date"):
            promised_on = fields.Date.to_date(vals["credit_promise_date"])
            if promised_on < fields.Date.context_today(self) and any(
                move.credit_promise_date != promised_on for move in self
            ):
                raise ValidationError(_("A promise to pay cannot be dated in the past."))
        if not promise:
            return super().write(vals)
        # what is due when the promise is made: payments from now on count towards it
        for move in self:
            super(AccountMove, move).write(dict(vals, credit_promise_residual=move.amount_residual))
        return True

    def action_credit_record_promise(self):
        self.ensure_one()
        return self.env["credit.dunning.promise"]._open_for(move=self)
