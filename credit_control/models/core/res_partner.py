from odoo import _, api, fields, models
from odoo.exceptions import AccessError, ValidationError

from ...lib.limits import CreditFigures, available_credit, days_past_due, effective_limit, is_unlimited

CREDIT_READ_GROUPS = "account.group_account_invoice,account.group_account_readonly,credit_control.group_credit_user"
CREDIT_MANAGER_FIELDS = [
    "credit_limit",
    "credit_limit_temp_increase",
    "credit_limit_temp_expiry",
    "credit_hold",
    "credit_hold_reason",
    "credit_blacklisted",
    "credit_blacklist_reason",
]


class ResPartner(models.Model):
    _inherit = "res.partner"

    # Odoo's own company-dependent limit, tracked and readable by credit users.
    credit_limit = fields.Float(tracking=True, groups=CREDIT_READ_GROUPS)
    credit_limit_temp_increase = fields.Float(
        string="Temporary Increase",
        company_dependent=True,
        copy=False,
        tracking=True,
        groups=CREDIT_READ_GROUPS,
        help="Added to the credit limit up to and including the expiry date.",
        prefetch="credit_control",
    )
    credit_limit_temp_expiry = fields.Date(
        string="Increase Expires On",
        company_dependent=True,
        copy=False,
        tracking=True,
        groups=CREDIT_READ_GROUPS,
        prefetch="credit_control",
    )
    credit_hold = fields.Boolean(
        copy=False,
        tracking=True,
        groups=CREDIT_READ_GROUPS,
        help="Hold every order of this customer at confirmation until a credit manager releases it.",
        prefetch="credit_control",
    )
    credit_hold_reason = fields.Char(
        string="Hold Reason", copy=False, tracking=True, groups=CREDIT_READ_GROUPS, prefetch="credit_control"
    )
    credit_blacklisted = fields.Boolean(
        string="Blacklisted",
        copy=False,
        tracking=True,
        groups=CREDIT_READ_GROUPS,
        help="Never sell on credit to this customer: every order is held at confirmation.",
        prefetch="credit_control",
    )
    credit_blacklist_reason = fields.Char(
        string="Blacklist Reason", copy=False, tracking=True, groups=CREDIT_READ_GROUPS, prefetch="credit_control"
    )

    # Figures of the commercial entity in the current company (batch SQL, not stored).
    credit_currency_id = fields.Many2one(
        "res.currency", compute="_compute_credit_currency_id", prefetch="credit_control"
    )
    credit_limit_effective = fields.Monetary(
        string="Limit in Force",
        compute="_compute_credit_figures",
        currency_field="credit_currency_id",
        groups=CREDIT_READ_GROUPS,
        help="Credit limit plus any unexpired temporary increase.",
        prefetch="credit_control",
    )
    credit_receivable = fields.Monetary(
        string="Open Receivables",
        compute="_compute_credit_figures",
        currency_field="credit_currency_id",
        groups=CREDIT_READ_GROUPS,
        prefetch="credit_control",
    )
    credit_draft_invoices = fields.Monetary(
        string="Draft Invoices",
        compute="_compute_credit_figures",
        currency_field="credit_currency_id",
        groups=CREDIT_READ_GROUPS,
        prefetch="credit_control",
    )
    credit_orders_to_invoice = fields.Monetary(
        string="Orders to Invoice",
        compute="_compute_credit_figures",
        currency_field="credit_currency_id",
        groups=CREDIT_READ_GROUPS,
        prefetch="credit_control",
    )
    credit_exposure = fields.Monetary(
        string="Exposure",
        compute="_compute_credit_figures",
        currency_field="credit_currency_id",
        groups=CREDIT_READ_GROUPS,
        help="Open receivables + draft invoices net of refunds + confirmed orders not invoiced yet.",
        prefetch="credit_control",
    )
    credit_available = fields.Monetary(
        string="Available Credit",
        compute="_compute_credit_figures",
        currency_field="credit_currency_id",
        groups=CREDIT_READ_GROUPS,
        help="Limit in force minus exposure; 0 when the customer may buy nothing on credit (blacklisted, on hold, "
        "prepayment only…).",
        prefetch="credit_control",
    )
    credit_unlimited = fields.Boolean(
        string="Unlimited Credit",
        compute="_compute_credit_figures",
        groups=CREDIT_READ_GROUPS,
        help="No limit of its own, and the company lets such customers buy on credit without limit.",
        prefetch="credit_control",
    )
    credit_blocked = fields.Boolean(
        string="No Credit",
        compute="_compute_credit_figures",
        groups=CREDIT_READ_GROUPS,
        help="The customer may buy nothing on credit whatever its limit (blacklisted, on hold, prepayment only…).",
        prefetch="credit_control",
    )
    credit_overdue = fields.Monetary(
        string="Overdue",
        compute="_compute_credit_figures",
        currency_field="credit_currency_id",
        groups=CREDIT_READ_GROUPS,
        prefetch="credit_control",
    )
    credit_overdue_days = fields.Integer(
        string="Days Past Due",
        compute="_compute_credit_figures",
        groups=CREDIT_READ_GROUPS,
        help="Days since the due date of the oldest overdue item.",
        prefetch="credit_control",
    )
    credit_hold_count = fields.Integer(
        compute="_compute_credit_hold_count", groups=CREDIT_READ_GROUPS, prefetch="credit_control"
    )
    credit_is_manager = fields.Boolean(
        compute="_compute_credit_is_manager",
        help="Whether the current user may change credit settings.",
        prefetch="credit_control",
    )

    @api.depends_context("uid")
    def _compute_credit_is_manager(self):
        self.credit_is_manager = self.env.user.has_group("credit_control.group_credit_manager")

    @api.depends_context("company")
    def _compute_credit_currency_id(self):
        self.credit_currency_id = self.env.company.currency_id

    @api.depends_context("company")
    @api.depends("credit_limit", "credit_limit_temp_increase", "credit_limit_temp_expiry")
    def _compute_credit_figures(self):
        company = self.env.company
        today = fields.Date.context_today(self)
        commercials = self.commercial_partner_id._origin.filtered("id")
        figures = self.env["credit.exposure"].sudo()._get_figures(commercials, company, today=today)
        blocked = self.env["credit.rule"].sudo()._get_blocked_partner_ids(commercials.sudo(), company, today)
        for partner in self:
            commercial = partner.commercial_partner_id
            figure = figures.get(commercial._origin.id) or CreditFigures()
            limit = commercial._credit_limit_in_force(today)
            partner.credit_limit_effective = limit
            partner.credit_receivable = figure.receivable
            partner.credit_draft_invoices = figure.draft_invoices
            partner.credit_orders_to_invoice = figure.orders_to_invoice
            partner.credit_exposure = figure.exposure
            partner.credit_blocked = commercial._origin.id in blocked
            partner.credit_unlimited = not partner.credit_blocked and is_unlimited(
                commercial.credit_limit, company.credit_no_limit_policy
            )
            partner.credit_available = (
                0.0 if partner.credit_blocked or partner.credit_unlimited else available_credit(limit, figure.exposure)
            )
            partner.credit_overdue = figure.overdue
            partner.credit_overdue_days = days_past_due(figure.oldest_overdue_date, today)

    def _compute_credit_hold_count(self):
        counts = self._credit_count_per_commercial("credit.hold", sudo=False)
        for partner in self:
            partner.credit_hold_count = counts.get(partner.commercial_partner_id._origin.id, 0)

    # ------------------------------------------------------------------
    # Constraints and CRUD
    # ------------------------------------------------------------------

    @api.constrains("credit_limit", "credit_limit_temp_increase")
    def _check_credit_limit_not_negative(self):
        for partner in self:
            if partner.credit_limit < 0 or partner.credit_limit_temp_increase < 0:
                raise ValidationError(
                    _(
                        "The credit limit and its temporary increase of %s cannot be negative.",
                        partner.display_name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        manager_fields = self._get_credit_manager_fields()
        for vals in vals_list:
            if any(vals.get(name) for name in manager_fields):
                self._ensure_credit_manager()
            self._ensure_credit_temp_increase(vals)
        return super().create(vals_list)

    def write(self, vals):
        changing = [name for name in self._get_credit_manager_fields() if name in vals]
        if changing and self._credit_values_change(vals, changing):
            self._ensure_credit_manager()
            self._ensure_credit_temp_increase(vals)
        # a caller that checks the holds itself afterwards (with its own reason) defers it
        loosened = not self.env.context.get("credit_defer_reevaluation") and self._credit_loosened_by(vals)
        result = super().write(vals)
        if loosened:
            self._credit_reevaluate_holds(loosened)
        return result

    def _credit_loosened_by(self, vals):
        """Why ``vals`` may let the partners' pending holds pass now: a higher limit or
        temporary increase, a manual hold lifted, a blacklisting removed (empty: it cannot)."""
        reasons = []
        if "credit_limit" in vals or "credit_limit_temp_increase" in vals:
            commercial = self.commercial_partner_id
            if any(
                (vals.get(name, 0.0) or 0.0) > (partner[name] or 0.0)
                for partner in commercial.sudo()
                for name in ("credit_limit", "credit_limit_temp_increase")
                if name in vals
            ):
                reasons.append(_("credit limit raised"))
        if "credit_hold" in vals and not vals["credit_hold"] and any(self.sudo().mapped("credit_hold")):
            reasons.append(_("manual credit hold lifted"))
        if (
            "credit_blacklisted" in vals
            and not vals["credit_blacklisted"]
            and any(self.sudo().mapped("credit_blacklisted"))
        ):
            reasons.append(_("removed from the blacklist"))
        return ", ".join(reasons)

    def _credit_reevaluate_holds(self, why):
        holds = self.env["credit.hold"].sudo()
        company = self.env.company
        partners = self.commercial_partner_id
        if company.credit_hold_enabled and holds._pending_partner_ids(partners, company):
            holds.with_company(company)._reevaluate_pending(partners, company, why)

    @api.model
    def _commercial_fields(self):
        return super()._commercial_fields() + [
            field for field in self._get_credit_manager_fields() if field != "credit_limit"
        ]

    # ------------------------------------------------------------------
    # Actions: drill-down from the Credit tab
    # ------------------------------------------------------------------

    def action_view_credit_receivables(self):
        self.ensure_one()
        return self._credit_action(
            _("Open Receivables of %s", self.commercial_partner_id.display_name),
            "account.move.line",
            self.env["credit.exposure"]._receivable_lines_domain(self, self.env.company),
            views=[(self.env.ref("account.view_move_line_tree").id, "list"), (False, "form")],
        )

    def action_view_credit_overdue(self):
        self.ensure_one()
        return self._credit_action(
            _("Overdue Items of %s", self.commercial_partner_id.display_name),
            "account.move.line",
            self.env["credit.exposure"]._receivable_lines_domain(self, self.env.company, overdue_only=True),
            views=[(self.env.ref("account.view_move_line_tree").id, "list"), (False, "form")],
        )

    def action_view_credit_draft_invoices(self):
        self.ensure_one()
        return self._credit_action(
            _("Draft Invoices of %s", self.commercial_partner_id.display_name),
            "account.move",
            self.env["credit.exposure"]._draft_invoices_domain(self, self.env.company),
            views=[(self.env.ref("account.view_out_invoice_tree").id, "list"), (False, "form")],
        )

    def action_view_credit_orders(self):
        self.ensure_one()
        order_ids = self.env["credit.exposure"]._get_orders_to_invoice_ids(self, self.env.company)
        return self._credit_action(
            _("Orders to Invoice of %s", self.commercial_partner_id.display_name),
            "sale.order",
            [("id", "in", order_ids)],
        )

    def action_view_credit_holds(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("credit_control.action_credit_hold")
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {"create": False}
        return action

    # ------------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------------

    def _credit_action(self, name, res_model, domain, views=None, context=None):
        return {
            "type": "ir.actions.act_window",
            "name": name,
            "res_model": res_model,
            "view_mode": "list,form",
            "views": views or [(False, "list"), (False, "form")],
            "domain": domain,
            "context": dict(context or {}, create=False),
        }

    def _credit_count_per_commercial(self, model_name, domain=(), sudo=True):
        """{commercial partner id: number of ``model_name`` records of it} for the smart buttons of
        every feature, in one grouped query (the records' ``partner_id`` is the commercial partner)."""
        commercials = self.commercial_partner_id._origin.filtered("id")
        model = self.env[model_name].sudo() if sudo else self.env[model_name]
        groups = model._read_group([("partner_id", "in", commercials.ids), *domain], ["partner_id"], ["__count"])
        return {partner.id: count for partner, count in groups}

    def _credit_limit_in_force(self, today):
        """The limit of this commercial partner in the current company: its limit plus any
        unexpired temporary increase. The one place the limit in force is computed."""
        self.ensure_one()
        return effective_limit(self.credit_limit, self.credit_limit_temp_increase, self.credit_limit_temp_expiry, today)

    @api.model
    def _get_credit_manager_fields(self):
        """Fields only a credit manager may change; contacts share them with their commercial entity.

        Features add theirs with ``super()``."""
        return list(CREDIT_MANAGER_FIELDS)

    def _credit_values_change(self, vals, names):
        """Whether ``vals`` really changes a credit field of some partner.

        Commercial sync copies the commercial entity's values onto its contacts: a value
        equal to the partner's own, or to its commercial entity's, is no change.
        """
        for partner in self.sudo():
            commercial = partner.commercial_partner_id
            for name in names:
                field = self._fields[name]
                new = field.convert_to_cache(vals[name], partner)
                if new == field.convert_to_cache(partner[name], partner):
                    continue
                if commercial != partner and new == field.convert_to_cache(commercial[name], partner):
                    continue
                return True
        return False

    def _ensure_credit_manager(self):
        if self.env.su or self.env.user.has_group("credit_control.group_credit_manager"):
            return
        raise AccessError(_("Only credit managers can change credit limits, credit holds and blacklists."))

    def _ensure_credit_temp_increase(self, vals):
        """A temporary increase needs an expiry date, and that date cannot be past."""
        if "credit_limit_temp_expiry" not in vals and "credit_limit_temp_increase" not in vals:
            return
        expiry = vals.get("credit_limit_temp_expiry")
        if expiry and fields.Date.to_date(expiry) < fields.Date.context_today(self):
            raise ValidationError(_("The temporary credit increase cannot expire in the past."))
        if not vals.get("credit_limit_temp_increase"):
            return
        if "credit_limit_temp_expiry" in vals:
            has_expiry = bool(expiry)
        else:
            has_expiry = bool(self) and all(self.sudo().mapped("credit_limit_temp_expiry"))
        if not has_expiry:
            raise ValidationError(_("A temporary credit increase needs an expiry date."))
