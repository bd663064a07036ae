from collections import defaultdict

from odoo import _, api, fields, models
from odoo.tools.misc import formatLang

from ...lib.limits import days_past_due, is_unlimited, limit_excess, overdue_breached

ORDER_FIELDS = ["company_id", "partner_invoice_id", "state", "amount_total", "currency_rate", "currency_id"]
PARTNER_FIELDS = [
    "commercial_partner_id",
    "credit_limit",
    "credit_limit_temp_increase",
    "credit_limit_temp_expiry",
    "credit_hold",
    "credit_blacklisted",
]
COMPANY_FIELDS = [
    "currency_id",
    "credit_no_limit_policy",
    "credit_overdue_check",
    "credit_overdue_tolerance_days",
    "credit_overdue_tolerance_amount",
]


class CreditCheck:
    """What one rule needs to judge one order: the order, its customer, the figures and the
    facts the features gathered for the customer (``_get_facts``)."""

    __slots__ = ("order", "partner", "company", "figures", "facts", "order_amount", "pending_amount", "today")

    def __init__(self, order, partner, company, figures, facts, order_amount, pending_amount, today):
        self.order = order
        self.partner = partner
        self.company = company
        self.figures = figures
        self.facts = facts
        self.order_amount = order_amount
        self.pending_amount = pending_amount
        self.today = today

    @property
    def exposure(self):
        """Exposure before this order, counting earlier orders passed in the same call."""
        return self.figures.exposure + self.pending_amount

    @property
    def limit(self):
        return self.partner._credit_limit_in_force(self.today)


class CreditRule(models.AbstractModel):
    """The credit rule set: one method per rule, each judging one order.

    A rule returns None when the order passes, or a dict with the reason shown to the
    salesperson and the figures behind it. Later features register more rules by
    extending ``_get_rules``; the confirmation path only ever calls ``_evaluate_orders``.
    """

    _name = "credit.rule"
    _description = "Credit Rules"

    @api.model
    def _get_rules(self):
        """Ordered list of (code, label, method name); features append theirs with ``super()``."""
        return [
            ("blacklist", _("Blacklisted customer"), "_rule_blacklist"),
            ("manual_hold", _("Manual credit hold"), "_rule_manual_hold"),
            ("credit_limit", _("Credit limit exceeded"), "_rule_credit_limit"),
            ("overdue", _("Overdue beyond tolerance"), "_rule_overdue"),
        ]

    @api.model
    def _get_rule_selection(self):
        return [(code, label) for code, label, _method in self._get_rules()]

    @api.model
    def _get_partner_fields(self):
        """Customer fields the rules read, fetched at once for all the customers of a call."""
        return list(PARTNER_FIELDS)

    @api.model
    def _get_company_fields(self):
        """Company settings the rules read."""
        return list(COMPANY_FIELDS)

    @api.model
    def _get_facts(self, partners, company, today):
        """{commercial partner id: {fact: value}} for the rules of the features.

        Called once per company for all the customers of the call; a feature extends it with
        ``super()`` and one query for all ``partners``, never one per order or customer.
        """
        return {partner.id: {} for partner in partners}

    @api.model
    def _get_blocked_partner_ids(self, partners, company, today):
        """Ids of the ``partners`` who may buy nothing on credit in ``company`` whatever their
        limit: their available credit is shown as 0. Blacklisted and held customers here;
        features add theirs with ``super()`` (one query for all ``partners``)."""
        return set(partners.filtered(lambda partner: partner.credit_blacklisted or partner.credit_hold).ids)

    @api.model
    def _get_order_amounts(self, orders):
        """{order: amount it adds to the exposure, in company currency}.

        A quotation adds its whole total (also while being edited, not saved yet); a
        confirmed order adds what is left to invoice, as in the exposure query.
        """
        confirmed = orders.filtered(lambda order: order.state == "sale")._origin
        remaining = self.env["credit.exposure"]._get_order_amounts(confirmed)
        return {
            order: remaining.get(order._origin.id, 0.0)
            if order.state == "sale"
            else order.amount_total / (order.currency_rate or 1.0)
            for order in orders
        }

    @api.model
    def _get_released_orders(self, orders, amounts):
        """The orders a credit manager's release allows: same customer, and an amount in
        company currency (``amounts``) no larger than the one the manager saw (one query)."""
        saved = orders._origin.filtered("id")
        if not saved:
            return set()
        released = {
            (order.id, partner.id): amount
            for order, partner, amount in self.env["credit.hold"]
            .sudo()
            ._read_group(
                [("order_id", "in", saved.ids), ("state", "=", "released")],
                ["order_id", "partner_id"],
                ["amount_company:max"],
            )
        }
        result = set()
        for order in orders:
            key = (order._origin.id, order.partner_invoice_id.commercial_partner_id._origin.id)
            if key in released and order.company_id.currency_id.compare_amounts(amounts[order], released[key]) <= 0:
                result.add(order)
        return result

    @api.model
    def _evaluate_orders(self, orders, lock=False, cumulative=True):
        """Judge ``orders`` and return {order: [failure, ...]} (an empty list passes).

        Figures are read once per company for all the orders' customers. With
        ``cumulative``, orders of the same customer are judged in id order, each counting
        the ones that passed before it (confirming several at once). With ``lock``, the
        customers' rows are locked first (confirmation path).
        """
        results = {}
        exposure_service = self.env["credit.exposure"].sudo()
        today = fields.Date.context_today(self)
        sudo_orders = orders.sudo()
        # load only what the rules read: a full sale.order / res.partner row is ~100 columns
        sudo_orders._origin.fetch(ORDER_FIELDS)
        for company, company_orders in sudo_orders.grouped("company_id").items():
            company_orders = company_orders.with_company(company)
            company.fetch(self._get_company_fields())
            members = company_orders.partner_invoice_id._origin
            members.fetch(["commercial_partner_id"])
            partners = members.commercial_partner_id
            partners.fetch(self._get_partner_fields())
            if lock:
                exposure_service._lock_partners(partners)
            saved_orders = company_orders._origin.filtered("id")
            figures = exposure_service.with_company(company)._get_figures(
                partners, company, exclude_orders=saved_orders, today=today
            )
            facts = self._get_facts(partners, company, today)
            amounts = self._get_order_amounts(company_orders)
            released = self._get_released_orders(company_orders, amounts)
            pending = defaultdict(float)
            for order in company_orders.sorted("id"):
                partner = order.partner_invoice_id.commercial_partner_id._origin
                if partner.id not in figures or order in released:
                    failures = []  # no saved customer yet, or released by a credit manager
                else:
                    check = CreditCheck(
                        order,
                        partner,
                        company,
                        figures[partner.id],
                        facts.get(partner.id, {}),
                        amounts[order],
                        pending[partner.id],
                        today,
                    )
                    failures = self._run_rules(check)
                results[order] = failures
                if cumulative and not failures:
                    pending[partner.id] += amounts[order]
        return results

    def _run_rules(self, check):
        failures = []
        for code, label, method in self._get_rules():
            failure = getattr(self, method)(check)
            if failure:
                params = dict(failure.get("params") or {}, currency_id=check.company.currency_id.id)
                failures.append(
                    dict(failure, rule=code, name=label, params=params, message=self._get_reason_message(code, params))
                )
        return failures

    @api.model
    def _get_reason_message(self, code, params):
        """The sentence of a failed rule, from the facts it stored, in the reader's language.

        Each rule ``code`` has its ``_message_<code>(params)``: a hold keeps the facts, not
        the sentence, so a Chinese credit manager reads an English salesperson's hold in Chinese.
        """
        method = getattr(self, "_message_%s" % code, None)
        return method(params) if method else ""

    def _format_amount_param(self, params, key):
        currency = self.env["res.currency"].browse(params.get("currency_id"))
        return formatLang(self.env, params.get(key) or 0.0, currency_obj=currency)

    # ------------------------------------------------------------------
    # Rules: each returns None, or the facts of the failure ("params") and, for the rules
    # that compare amounts, the amount ("value") and the amount allowed ("threshold")
    # ------------------------------------------------------------------

    def _rule_blacklist(self, check):
        if not check.partner.credit_blacklisted:
            return None
        return {"params": {"partner": check.partner.display_name, "reason": check.partner.credit_blacklist_reason}}

    def _message_blacklist(self, params):
        return _(
            "%(partner)s is blacklisted: %(reason)s",
            partner=params["partner"],
            reason=params.get("reason") or _("no reason given"),
        )

    def _rule_manual_hold(self, check):
        if not check.partner.credit_hold:
            return None
        return {"params": {"partner": check.partner.display_name, "reason": check.partner.credit_hold_reason}}

    def _message_manual_hold(self, params):
        return _(
            "%(partner)s is on credit hold: %(reason)s",
            partner=params["partner"],
            reason=params.get("reason") or _("no reason given"),
        )

    def _rule_credit_limit(self, check):
        if is_unlimited(check.partner.credit_limit, check.company.credit_no_limit_policy):
            return None
        limit = check.limit
        excess = limit_excess(check.exposure, check.order_amount, limit)
        if not excess:
            return None
        return {
            "params": {"exposure": check.exposure, "order": check.order_amount, "limit": limit, "excess": excess},
            "value": check.exposure + check.order_amount,
            "threshold": limit,
        }

    def _message_credit_limit(self, params):
        return _(
            "Exposure %(exposure)s plus this order %(order)s exceeds the credit limit %(limit)s by %(excess)s.",
            exposure=self._format_amount_param(params, "exposure"),
            order=self._format_amount_param(params, "order"),
            limit=self._format_amount_param(params, "limit"),
            excess=self._format_amount_param(params, "excess"),
        )

    def _rule_overdue(self, check):
        company = check.company
        if not company.credit_overdue_check:
            return None
        overdue = check.figures.overdue_beyond_tolerance
        if not overdue_breached(overdue, company.credit_overdue_tolerance_amount):
            return None
        return {
            "params": {
                "overdue": overdue,
                "days": days_past_due(check.figures.oldest_overdue_date, check.today),
                "tolerance": company.credit_overdue_tolerance_amount,
                "tolerance_days": company.credit_overdue_tolerance_days,
            },
            "value": overdue,
            "threshold": company.credit_overdue_tolerance_amount,
        }

    def _message_overdue(self, params):
        return _(
            "Overdue %(overdue)s, oldest item %(days)s days past due, exceeds the tolerance "
            "of %(tolerance)s after %(tolerance_days)s days.",
            overdue=self._format_amount_param(params, "overdue"),
            days=params["days"],
            tolerance=self._format_amount_param(params, "tolerance"),
            tolerance_days=params["tolerance_days"],
        )
