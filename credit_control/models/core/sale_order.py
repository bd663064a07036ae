from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL
from odoo.tools.misc import formatLang
from odoo.tools.sql import column_exists, create_column, table_exists

from ...lib.limits import available_credit, is_unlimited
from .credit_hold import HOLD_STATES

# Order fields whose change can raise what the order adds to its customer's exposure.
CREDIT_ORDER_FIELDS = {"order_line", "partner_id", "partner_invoice_id", "pricelist_id", "currency_id", "company_id"}
# Order fields the credit check and the invoice address set, never a user: the check trusts them
# (the customer judged; the grace a later door gives an order checked at confirmation).
CREDIT_DERIVED_FIELDS = {"credit_partner_id", "credit_checked_date", "credit_checked_amount"}
# Orders that passed the credit check in the current transaction (cleared at commit/rollback).
CHECKED_KEY = "credit_control.checked_order_ids"
ORDER_FIELDS = [
    "company_id",
    "partner_invoice_id",
    "credit_partner_id",
    "state",
    "amount_total",
    "currency_rate",
    "currency_id",
    "credit_hold_state",
]


class SaleOrder(models.Model):
    _name = "sale.order"
    _inherit = ["sale.order", "credit.document.mixin"]
    _credit_hold_field = "order_id"
    _credit_checkpoint = "order"
    _credit_checked_key = CHECKED_KEY

    credit_partner_id = fields.Many2one(
        "res.partner",
        string="Credit Customer",
        related="partner_invoice_id.commercial_partner_id",
        store=True,
        precompute=True,
        help="The commercial entity whose credit the order uses: its invoice address's.",
    )
    credit_hold_ids = fields.One2many("credit.hold", "order_id", string="Credit Holds", readonly=True)
    credit_hold_count = fields.Integer(compute="_compute_credit_hold_count", compute_sudo=True)
    credit_hold_state = fields.Selection(
        HOLD_STATES,
        string="Credit Hold",
        compute="_compute_credit_hold_state",
        store=True,
        compute_sudo=True,
        index="btree_not_null",
        help="State of the order's latest credit hold, if it has one.",
    )
    # What the salesperson sees before clicking Confirm (computed as superuser: a
    # salesperson has no access to receivables, but may know the credit left).
    credit_currency_id = fields.Many2one(related="company_id.currency_id", string="Credit Currency")
    credit_limit = fields.Monetary(
        string="Customer Credit Limit",
        compute="_compute_credit_figures",
        compute_sudo=True,
        currency_field="credit_currency_id",
    )
    credit_exposure = fields.Monetary(
        string="Customer Exposure",
        compute="_compute_credit_figures",
        compute_sudo=True,
        currency_field="credit_currency_id",
        help="Open receivables, draft invoices and confirmed orders not invoiced yet, without this order.",
    )
    credit_available = fields.Monetary(
        string="Available Credit",
        compute="_compute_credit_figures",
        compute_sudo=True,
        currency_field="credit_currency_id",
        help="Credit left for this customer before this order.",
    )
    credit_unlimited = fields.Boolean(compute="_compute_credit_figures", compute_sudo=True)
    credit_check_warning = fields.Text(
        compute="_compute_credit_figures",
        compute_sudo=True,
        help="Why confirming this quotation would put it on credit hold.",
    )
    # The last credit check passed at confirmation (or release): later checkpoints (invoice,
    # delivery) let the order's documents through for the company's grace days.
    credit_checked_date = fields.Datetime(readonly=True, copy=False)
    credit_checked_amount = fields.Monetary(readonly=True, copy=False, currency_field="credit_currency_id")

    @api.depends("partner_invoice_id", "company_id", "amount_total", "currency_rate", "state")
    def _compute_credit_figures(self):
        self.credit_limit = self.credit_exposure = self.credit_available = 0.0
        self.credit_unlimited = False
        self.credit_check_warning = False
        orders = self.filtered(lambda o: o.partner_invoice_id and o.company_id)
        exposure_service = self.env["credit.exposure"]
        today = fields.Date.context_today(self)
        for company, company_orders in orders.grouped("company_id").items():
            company_orders = company_orders.with_company(company)
            partners = company_orders.partner_invoice_id.commercial_partner_id._origin
            figures = exposure_service._get_figures(partners, company, today=today)
            blocked = self.env["credit.rule"]._get_blocked_partner_ids(partners, company, today)
            # A confirmed order is inside its customer's exposure: show the figures without it.
            confirmed = company_orders.filtered(lambda o: o.state == "sale")._origin
            own_amounts = exposure_service._get_order_amounts(confirmed)
            for order in company_orders:
                partner = order.partner_invoice_id.commercial_partner_id._origin
                figure = figures.get(partner.id)
                if figure is None:  # a customer being created in the form
                    continue
                limit = partner.with_company(company)._credit_limit_in_force(today)
                exposure = figure.exposure - own_amounts.get(order._origin.id, 0.0)
                order.credit_limit = limit
                order.credit_exposure = exposure
                order.credit_unlimited = (
                    is_unlimited(partner.credit_limit, company.credit_no_limit_policy) and partner.id not in blocked
                )
                order.credit_available = 0.0 if partner.id in blocked else available_credit(limit, exposure)
            to_check = company_orders.filtered(lambda o: o.state in ("draft", "sent"))
            if company._credit_checks_at("order") and to_check:
                warnings = {}
                results = self.env["credit.rule"]._evaluate_orders(to_check, cumulative=False, warnings=warnings)
                to_check._credit_show_check_results(results, warnings)

    def _credit_show_check_results(self, results, warnings):
        """Show the quotations what their confirmation would meet: the failures of the rules that
        hold (``results``) and of those that warn only (``warnings``), {order: [failure, ...]}."""
        for order in self:
            messages = [f["message"] for f in results.get(order, [])]
            for failure in warnings.get(order, []):
                messages.append(_("Warning: %s", failure["message"]))
            order.credit_check_warning = "\n".join(messages) or False

    # ------------------------------------------------------------------
    # Installing into a company that already has orders
    # ------------------------------------------------------------------

    def _auto_init(self):
        self._credit_init_partner_column()
        return super()._auto_init()

    def _credit_init_partner_column(self):
        """Fill the stored ``credit_partner_id`` in one UPDATE before the ORM computes it order by
        order (every order of a company already running Odoo)."""
        cr = self.env.cr
        if not table_exists(cr, self._table) or column_exists(cr, self._table, "credit_partner_id"):
            return
        create_column(cr, self._table, "credit_partner_id", "int4")
        cr.execute(
            SQL(
                """
            UPDATE sale_order so
               SET credit_partner_id = p.commercial_partner_id
              FROM res_partner p
             WHERE p.id = so.partner_invoice_id
                """
            )
        )

    # ------------------------------------------------------------------
    # CRUD: no path to a confirmed order skips the credit check
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._credit_refuse_derived_fields(vals)
        orders = super().create(vals_list)
        created_confirmed = orders.filtered(lambda order: order.state == "sale")
        if created_confirmed:
            created_confirmed._credit_orders_to_check(states=("sale",))._credit_ensure_allowed()
        return orders

    def write(self, vals):
        self._credit_refuse_derived_fields(vals)
        if vals.get("state") == "sale":
            # orders confirmed by action_confirm were checked a moment ago: skip them first
            to_check = (self - self._credit_checked_orders())._credit_orders_to_check()
            to_check._credit_ensure_allowed()
        before = self._credit_pending_hold_values() if CREDIT_ORDER_FIELDS.intersection(vals) else {}
        result = super().write(vals)
        if before:
            self._credit_refresh_pending_holds(before)
        return result

    def _credit_refuse_derived_fields(self, vals):
        """Refuse values of ``CREDIT_DERIVED_FIELDS`` outside the superuser: over RPC or an import,
        a salesperson would otherwise choose the customer judged, or a recent check's grace."""
        names = CREDIT_DERIVED_FIELDS.intersection(vals)
        if names and not self.env.su:
            labels = ", ".join(sorted(self._fields[name]._description_string(self.env) for name in names))
            raise UserError(
                _(
                    "These fields of an order are set by its invoice address and its credit check, "
                    "never by hand: %(fields)s.",
                    fields=labels,
                )
            )

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_confirm(self):
        """Confirm the orders that pass the credit rules; hold the others.

        A held order stays a quotation with a credit hold record: nothing is raised, so
        the hold is kept, and the user gets a notification listing the reasons.
        """
        held = self._credit_hold_failed()
        to_confirm = self - held
        result = super(SaleOrder, to_confirm).action_confirm() if to_confirm else True
        if held:
            return held._credit_hold_notification()
        return result

    # ------------------------------------------------------------------
    # Confirmation path
    # ------------------------------------------------------------------

    def _format_amount(self, amount, currency=None):
        self.ensure_one()
        return formatLang(self.env, amount, currency_obj=currency or self.currency_id)

    def _credit_orders_to_check(self, states=("draft", "sent")):
        """Quotations of companies checking orders at confirmation (those fully paid online pass:
        ``_credit_get_passed``)."""
        return self.filtered(lambda order: order.state in states and order.company_id._credit_checks_at("order"))

    def _credit_to_check(self):
        return self._credit_orders_to_check()

    def _credit_checked_orders(self):
        """The orders of ``self`` that passed the credit check in this transaction."""
        return self._credit_checked()

    def _credit_mark_checked(self):
        """Passed: remembered for the transaction, and on the order for later checkpoints."""
        result = super()._credit_mark_checked()
        if self:
            self._credit_store_checked(self.env["credit.rule"]._get_order_amounts(self))
        return result

    def _credit_store_checked(self, amounts):
        """Put the check's date and amount in the cache as pending writes, not with a write() or
        an UPDATE of their own: the confirmation's own UPDATE of the order carries them (no
        query, no write() overhead on the confirmation path; SQL readers flush them first)."""
        orders = self.browse([order._origin.id for order in amounts])
        now = fields.Datetime.now()
        cache = self.env.cache
        cache.update(orders, self._fields["credit_checked_date"], [now] * len(orders), dirty=True)
        cache.update(orders, self._fields["credit_checked_amount"], list(amounts.values()), dirty=True)

    def _credit_refused_message(self, reasons):
        return _(
            "These orders cannot be confirmed this way: they break the credit rules. Use the Confirm "
            "button, which puts them on credit hold for a credit manager to review.\n%(reasons)s",
            reasons=reasons,
        )

    # ------------------------------------------------------------------
    # credit.document.mixin
    # ------------------------------------------------------------------

    def _credit_prefetch(self):
        # load only what the rules read: a full sale.order row is ~100 columns (a full read first,
        # though the confirmation reads the rows right after, was slower: bench/HISTORY.md). The
        # customers' credit fields come with the figures (credit.exposure._partner_fields_sql).
        self._origin.fetch(ORDER_FIELDS)

    def _credit_get_partners(self):
        return {order: order.credit_partner_id._origin for order in self}

    def _credit_get_amounts(self):
        return self.env["credit.rule"]._get_order_amounts(self)

    def _credit_get_figure_exclusions(self):
        return {"exclude_orders": self._origin.filtered("id")}

    def _credit_get_document_queries(self):
        """What the orders' authorized or done transactions paid, as Odoo's ``amount_paid``: the
        orders without any transaction, nearly all, have no row."""
        orders = self._origin.filtered("id")
        if not orders:
            return []
        return [
            self.env["credit.exposure"]._paid_online_sql(
                orders, "sale_order_transaction_rel", "sale_order_id", ("authorized", "done")
            )
        ]

    def _credit_get_passed(self, amounts, facts=None):
        """Released orders, and orders fully paid online."""
        passed = super()._credit_get_passed(amounts, facts)
        return passed | set(self._credit_paid_online(facts or {}))

    def _credit_get_payment_days(self):
        return self.env["credit.rule"]._get_payment_term_days({order: order.payment_term_id for order in self})

    def _credit_prepare_hold_values(self, amount):
        return {
            "amount_total": self.amount_total,
            "amount_company": amount,
            "currency_id": self.currency_id.id,
            "user_id": self.user_id.id,
            "team_id": self.team_id.id,
            "partner_id": self.credit_partner_id.id,
        }

    def _credit_hold_intro(self, hold, new):
        if new:
            return _("Confirmation of %(order)s is on credit hold %(hold)s:", order=self.name, hold=hold.name)
        return _(
            "Confirmation of %(order)s was requested again and stays on credit hold %(hold)s:",
            order=self.name,
            hold=hold.name,
        )

    def _credit_hold_subtype(self):
        return "credit_control.mt_order_credit_hold"

    def _credit_decision_subtype(self):
        return "credit_control.mt_order_credit_decision"

    def _credit_ensure_releasable(self, hold):
        if self.state not in ("draft", "sent"):
            raise UserError(
                _(
                    "Order %(order)s cannot be confirmed from hold %(hold)s: it is no longer a quotation.",
                    order=self.name,
                    hold=hold.name,
                )
            )
        return super()._credit_ensure_releasable(hold)

    def _credit_after_release(self, hold):
        self.action_confirm()
        if self.state != "sale":
            raise UserError(_("Order %s could not be confirmed after its release.", self.name))

    # ------------------------------------------------------------------
    # Quotations edited while their hold waits
    # ------------------------------------------------------------------

    def _credit_pending_hold_values(self):
        """{order id: (amount in company currency, commercial partner id)} of the quotations
        waiting on a credit hold, before an edit."""
        pending = self.sudo().filtered(
            lambda order: order.state in ("draft", "sent") and order.credit_hold_state == "pending"
        )
        amounts = self.env["credit.rule"]._get_order_amounts(pending)
        return {order.id: (amounts[order], order.credit_partner_id.id) for order in pending}

    def _credit_refresh_pending_holds(self, before):
        """A quotation edited while its hold waits: the hold shows the new total, figures and
        reasons, so that a release covers what the credit manager saw."""
        orders = self.sudo().filtered(lambda order: order.id in before and order.state in ("draft", "sent"))
        amounts = self.env["credit.rule"]._get_order_amounts(orders)
        changed = orders.filtered(
            lambda order: (
                order.company_id.currency_id.compare_amounts(amounts[order], before[order.id][0]) > 0
                or order.credit_partner_id.id != before[order.id][1]
            )
        )
        if changed:
            results = self.env["credit.rule"]._evaluate_orders(changed, cumulative=False)
            self.env["credit.hold"]._hold_documents(results, changed=True)

    # ------------------------------------------------------------------
    # Confirmed orders edited upward
    # ------------------------------------------------------------------

    def _credit_amounts_before_edit(self):
        """Totals of the confirmed orders whose edit must be checked, before the edit."""
        return {
            order.id: order.amount_total
            for order in self
            if order.state == "sale" and order.company_id._credit_checks_at("order")
        }

    def _credit_check_upward_edit(self, totals_before):
        """Refuse an edit that raises a confirmed order's total beyond the customer's credit.

        Raising keeps the order as it was: the whole edit is rolled back.
        """
        grown = self.filtered(
            lambda order: (
                order.id in totals_before
                and order.currency_id.compare_amounts(order.amount_total, totals_before[order.id]) > 0
            )
        )
        if not grown:
            return
        messages = self._credit_failure_messages(self.env["credit.rule"]._evaluate_orders(grown, lock=True))
        if messages:
            raise UserError(
                _(
                    "This change raises the order beyond the customer's credit and was not saved.\n%(reasons)s",
                    reasons="\n".join(messages),
                )
            )
