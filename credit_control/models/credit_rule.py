from collections import defaultdict

from odoo import _, api, fields, models
from odoo.tools.misc import format_date, formatLang

from ..lib.limits import (
    days_past_due,
    effective_limit,
    is_unlimited,
    limit_excess,
    overdue_breached,
)
from ..lib.registry.status import ALARMING as REGISTRY_ALARMING

ORDER_FIELDS = ["company_id", "partner_invoice_id", "state", "amount_total", "currency_rate", "currency_id"]
PARTNER_FIELDS = [
    "commercial_partner_id",
    "credit_limit",
    "credit_limit_temp_increase",
    "credit_limit_temp_expiry",
    "credit_hold",
    "credit_blacklisted",
    "credit_registry_status",
]
COMPANY_FIELDS = [
    "currency_id",
    "credit_no_limit_policy",
    "credit_overdue_check",
    "credit_overdue_tolerance_days",
    "credit_overdue_tolerance_amount",
    "credit_registry_hold",
]


class CreditCheck:
    """What one rule needs to judge one order: the order, its customer and the figures."""

    __slots__ = ("order", "partner", "company", "figures", "order_amount", "pending_amount", "today")

    def __init__(self, order, partner, company, figures, order_amount, pending_amount, today):
        self.order = order
        self.partner = partner
        self.company = company
        self.figures = figures
        self.order_amount = order_amount
        self.pending_amount = pending_amount
        self.today = today

    @property
    def exposure(self):
        """Exposure before this order, counting earlier orders passed in the same call."""
        return self.figures.exposure + self.pending_amount

    @property
    def limit(self):
        return effective_limit(
            self.partner.credit_limit,
            self.partner.credit_limit_temp_increase,
            self.partner.credit_limit_temp_expiry,
            self.today,
        )

    def format(self, amount):
        return formatLang(self.partner.env, amount, currency_obj=self.company.currency_id)


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
        """Ordered list of (code, label, method name)."""
        return [
            ("blacklist", _("Blacklisted customer"), "_rule_blacklist"),
            ("manual_hold", _("Manual credit hold"), "_rule_manual_hold"),
            ("credit_limit", _("Credit limit exceeded"), "_rule_credit_limit"),
            ("overdue", _("Overdue beyond tolerance"), "_rule_overdue"),
            ("grade_policy", _("Credit grade: prepayment only"), "_rule_grade_policy"),
            ("dunning", _("Dunning level with credit hold"), "_rule_dunning"),
            ("registry", _("Registry: insolvency, liquidation or dissolution"), "_rule_registry"),
        ]

    @api.model
    def _get_rule_selection(self):
        return [(code, label) for code, label, _method in self._get_rules()]

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
            company.fetch(COMPANY_FIELDS)
            members = company_orders.partner_invoice_id._origin
            members.fetch(["commercial_partner_id"])
            partners = members.commercial_partner_id
            partners.fetch(PARTNER_FIELDS)
            if lock:
                exposure_service._lock_partners(partners)
            saved_orders = company_orders._origin.filtered("id")
            figures = exposure_service.with_company(company)._get_figures(
                partners, company, exclude_orders=saved_orders, today=today
            )
            amounts = company_orders._credit_amounts_to_check()
            pending = defaultdict(float)
            for order in company_orders.sorted("id"):
                partner = order.partner_invoice_id.commercial_partner_id._origin
                if partner.id not in figures or order._credit_release_covers():
                    failures = []  # no saved customer yet, or released by a credit manager
                else:
                    check = CreditCheck(
                        order,
                        partner,
                        company,
                        figures[partner.id],
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
                failures.append(dict(failure, rule=code, name=label))
        return failures

    # ------------------------------------------------------------------
    # Rules
    # ------------------------------------------------------------------

    def _rule_blacklist(self, check):
        if check.partner.credit_blacklisted:
            return {
                "message": _(
                    "%(partner)s is blacklisted: %(reason)s",
                    partner=check.partner.display_name,
                    reason=check.partner.credit_blacklist_reason or _("no reason given"),
                ),
            }
        return None

    def _rule_manual_hold(self, check):
        if check.partner.credit_hold:
            return {
                "message": _(
                    "%(partner)s is on credit hold: %(reason)s",
                    partner=check.partner.display_name,
                    reason=check.partner.credit_hold_reason or _("no reason given"),
                ),
            }
        return None

    def _rule_credit_limit(self, check):
        if is_unlimited(check.partner.credit_limit, check.company.credit_no_limit_policy):
            return None
        limit = check.limit
        excess = limit_excess(check.exposure, check.order_amount, limit)
        if not excess:
            return None
        return {
            "message": _(
                "Exposure %(exposure)s plus this order %(order)s exceeds the credit limit %(limit)s by %(excess)s.",
                exposure=check.format(check.exposure),
                order=check.format(check.order_amount),
                limit=check.format(limit),
                excess=check.format(excess),
            ),
            "value": check.exposure + check.order_amount,
            "threshold": limit,
        }

    def _rule_overdue(self, check):
        company = check.company
        if not company.credit_overdue_check:
            return None
        overdue = check.figures.overdue_beyond_tolerance
        if not overdue_breached(overdue, company.credit_overdue_tolerance_amount):
            return None
        return {
            "message": _(
                "Overdue %(overdue)s, oldest item %(days)s days past due, exceeds the tolerance "
                "of %(tolerance)s after %(tolerance_days)s days.",
                overdue=check.format(overdue),
                days=days_past_due(check.figures.oldest_overdue_date, check.today),
                tolerance=check.format(company.credit_overdue_tolerance_amount),
                tolerance_days=company.credit_overdue_tolerance_days,
            ),
            "value": overdue,
            "threshold": company.credit_overdue_tolerance_amount,
        }

    def _rule_grade_policy(self, check):
        """Customers whose credit grade allows no credit buy on prepayment only."""
        grade, policy, score = self.env["credit.score"]._current_grade(check.partner, check.company)
        if policy != "prepayment" or check.order_amount <= 0:
            return None
        return {
            "message": _(
                "%(partner)s is graded %(grade)s (score %(score)s): prepayment only.",
                partner=check.partner.display_name,
                grade=grade,
                score="%.1f" % score,
            ),
            "value": score,
        }

    def _rule_dunning(self, check):
        """Customers sent a dunning level that holds (or a later one) while those items are unpaid.

        The level is a computed field of the partner: read for all the partners of the call
        at once (prefetch), one query.
        """
        partner = check.partner.with_company(check.company)
        level = partner.credit_dunning_hold_level_id
        if not level:
            return None
        return {
            "message": _(
                "%(partner)s received the dunning level %(level)s: orders are held until its overdue items are paid.",
                partner=partner.display_name,
                level=level.name,
            ),
            "value": level.rank,
        }

    def _rule_registry(self, check):
        """Customers a registry reports in insolvency, liquidation or dissolved (stored status: no
        registry is called while confirming). Unknown never holds."""
        partner = check.partner
        if not check.company.credit_registry_hold or partner.credit_registry_status not in REGISTRY_ALARMING:
            return None
        snapshot = partner.sudo().credit_registry_snapshot_id
        labels = dict(partner._fields["credit_registry_status"]._description_selection(partner.env))
        return {
            "message": _(
                "Registry reports %(partner)s as %(status)s (%(provider)s, %(date)s)",
                partner=partner.display_name,
                status=labels[partner.credit_registry_status],
                provider=snapshot.provider_id.name or "",
                date=format_date(partner.env, snapshot.date) if snapshot else "",
            ),
        }
