from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL


class CreditDunningLine(models.Model):
    """One overdue item in one dunning communication, at the level it reached.

    Lines are written in bulk by the dunning run (SQL). A unique index over the item and
    the level of every line that is not excluded nor cancelled makes sure that no level is
    ever sent twice for the same item, even when two runs overlap or a run is re-run.
    """

    _name = "credit.dunning.line"
    _description = "Dunning Line"
    _order = "communication_id, date_maturity, id"
    _check_company_auto = True

    communication_id = fields.Many2one(
        "credit.dunning.communication", required=True, readonly=True, index=True, ondelete="cascade"
    )
    run_id = fields.Many2one("credit.dunning.run", required=True, readonly=True, index=True)
    partner_id = fields.Many2one("res.partner", string="Customer", required=True, readonly=True, index=True)
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    company_currency_id = fields.Many2one(related="company_id.currency_id", string="Company Currency")
    move_line_id = fields.Many2one("account.move.line", string="Journal Item", required=True, readonly=True)
    move_id = fields.Many2one("account.move", string="Invoice", required=True, readonly=True, index=True)
    level_id = fields.Many2one("credit.dunning.level", required=True, readonly=True)
    level_rank = fields.Integer(readonly=True)
    reached_level_id = fields.Many2one(
        "credit.dunning.level",
        string="Overdue Beyond",
        readonly=True,
        help="The highest level whose delay the item had passed on the date of the run. Levels are sent "
        "one at a time: an item caught up late gets the next level first, the higher ones in later runs.",
    )
    level_warning = fields.Char(
        compute="_compute_level_warning",
        help="Shown when the item is overdue beyond a higher level than the one sent.",
    )
    date = fields.Date(readonly=True, help="Date of the dunning run.")
    date_maturity = fields.Date(string="Due Date", readonly=True)
    days_overdue = fields.Integer(readonly=True, help="Days past the due date on the date of the run.")
    amount_residual = fields.Monetary(
        string="Amount Due", currency_field="company_currency_id", readonly=True, help="In company currency."
    )
    amount_residual_currency = fields.Monetary(
        string="Amount Due in Currency", currency_field="currency_id", readonly=True
    )
    currency_id = fields.Many2one("res.currency", readonly=True)
    excluded = fields.Boolean(help="Left out of this communication before it was sent.")
    state = fields.Selection(related="communication_id.state", store=True, index=True)
    broken_promise = fields.Boolean(readonly=True, help="The customer broke a promise to pay this item.")
    interest_days = fields.Integer(readonly=True, help="Days of late interest charged with this line.")
    interest_amount = fields.Monetary(string="Late Interest", currency_field="company_currency_id", readonly=True)
    compensation_amount = fields.Monetary(
        string="Fixed Compensation", currency_field="company_currency_id", readonly=True
    )
    sent_date = fields.Datetime(related="communication_id.sent_date", string="Sent On")
    channels = fields.Char(related="communication_id.channels")

    def init(self):
        # Idempotence at database level: one line per item and level, unless excluded or cancelled.
        self.env.cr.execute(
            SQL(
                """
            CREATE UNIQUE INDEX IF NOT EXISTS credit_dunning_line_item_level_uniq
                ON credit_dunning_line (move_line_id, level_id)
             WHERE NOT excluded AND state <> 'cancelled'
                """
            )
        )
        self.env.cr.execute(
            SQL(
                """
            CREATE INDEX IF NOT EXISTS credit_dunning_line_partner_sent_idx
                ON credit_dunning_line (partner_id, company_id) WHERE state = 'sent' AND NOT excluded
                """
            )
        )

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------

    @api.depends("level_id", "reached_level_id")
    def _compute_level_warning(self):
        for line in self:
            reached = line.reached_level_id
            if reached and reached.rank > line.level_id.rank:
                line.level_warning = _(
                    "Overdue beyond level %(reached)s: level %(level)s is sent first.",
                    reached=reached.name,
                    level=line.level_id.name,
                )
            else:
                line.level_warning = False

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------

    def write(self, vals):
        if "excluded" in vals and any(line.state not in ("draft", "failed") for line in self):
            raise UserError(_("Only items of communications not sent yet can be excluded or included again."))
        result = super().write(vals)
        if "excluded" in vals:
            self.communication_id._refresh_from_lines()
        return result

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_exclude(self):
        self.write({"excluded": True})
        return True

    def action_include(self):
        self.write({"excluded": False})
        return True

    # ------------------------------------------------------------------
    # Business methods: figures for the credit rules and the customer list
    # ------------------------------------------------------------------

    @api.model
    def _open_levels(self, company, partner_ids=None):
        """{commercial partner id: (level id, rank, holds)} of the highest level sent for items
        that are still unpaid; ``partner_ids`` None means every dunned customer of the company.

        ``holds``: that level, or an earlier level of its policy, puts the customer on hold.
        One query for all the partners.
        """
        self.env.cr.execute(self._open_levels_sql(company, partner_ids))
        return {partner_id: (level_id, rank, holds) for partner_id, level_id, rank, holds in self.env.cr.fetchall()}

    @api.model
    def _open_levels_sql(self, company, partner_ids=None):
        """The (partner, level id, rank, holds) rows of ``_open_levels``."""
        self.flush_model(["partner_id", "company_id", "state", "excluded", "level_id", "move_line_id"])
        self.env["credit.dunning.level"].flush_model(["rank", "policy_id", "hold_from_level"])
        self.env["account.move.line"].flush_model(["reconciled", "amount_residual"])
        partner_filter = SQL("TRUE") if partner_ids is None else SQL("dl.partner_id = ANY(%s)", list(partner_ids))
        return SQL(
            """
            SELECT DISTINCT ON (dl.partner_id) dl.partner_id, lv.id, lv.rank,
                   EXISTS (SELECT 1 FROM credit_dunning_level h
                            WHERE h.policy_id = lv.policy_id AND h.hold_from_level AND h.rank <= lv.rank)
              FROM credit_dunning_line dl
              JOIN account_move_line aml ON aml.id = dl.move_line_id
              JOIN credit_dunning_level lv ON lv.id = dl.level_id
             WHERE %(partner_filter)s
               AND dl.company_id = %(company_id)s
               AND dl.state = 'sent'
               AND NOT dl.excluded
               AND aml.reconciled IS NOT TRUE
               AND aml.amount_residual > 0
          ORDER BY dl.partner_id, lv.rank DESC, lv.id DESC
            """,
            partner_filter=partner_filter,
            company_id=company.id,
        )
