from collections import defaultdict

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL, format_date
from odoo.tools.misc import formatLang

from ...lib.collections import PROMISE_BROKEN, PROMISE_KEPT, PROMISE_OPEN, promise_outcome
from ..dunning.credit_promise import promise_paid_sql


class CreditPromise(models.Model):
    """Promises evaluated against payments: tolerance, grace days, on every reconciliation.

    Replaces the dunning's settlement (kept only after the date, exact amount) by
    ``_evaluate``: a promise is kept as soon as the payments since it was made reach its
    amount less the tolerance, broken once its date plus the grace days has passed without
    that. With no tolerance and no grace days the dunning's outcomes are the same, only known
    earlier. A broken promise raises an alert and moves the customer's worklist task up one
    role; the dunning escalates it at its next run, as before.
    """

    _inherit = "credit.promise"

    tolerance_pct = fields.Float(
        string="Tolerance (%)",
        readonly=True,
        default=lambda self: self.env.company.credit_promise_tolerance,
        help="Kept when the payments reach the promised amount less this percentage.",
    )
    grace_days = fields.Integer(
        readonly=True,
        default=lambda self: self.env.company.credit_promise_grace_days,
        help="Days after the promised date before the promise is broken.",
    )
    amount_paid = fields.Monetary(
        string="Paid Towards It",
        readonly=True,
        currency_field="currency_id",
        help="What was paid since the promise was made, when it was last evaluated.",
    )
    date_settled = fields.Date(string="Settled On", readonly=True)
    contact_id = fields.Many2one("credit.collection.contact", readonly=True, ondelete="set null")

    @api.constrains("tolerance_pct", "grace_days")
    def _check_tolerance(self):
        for promise in self:
            if not 0 <= promise.tolerance_pct < 100 or promise.grace_days < 0:
                raise ValidationError(
                    _(
                        "The tolerance of a promise to pay is a percentage from 0 to 100 "
                        "and its grace days cannot be negative."
                    )
                )

    @api.model
    def _settle(self, company, on_date, account_ids):
        """The dunning run's settlement, with the tolerance and grace days (see the class)."""
        return self._evaluate(company, on_date, account_ids=account_ids)

    @api.model
    def _evaluate(self, company, on_date, partner_ids=None, account_ids=None):
        """Evaluate the open promises of ``company`` (of ``partner_ids`` only, when given).

        One query reads what each promise got paid since it was made (the invoice's residual
        for an invoice, the customer's payments and credit notes for a customer); one UPDATE
        writes the paid amounts and the outcomes. Returns the ids of the promises broken now.
        """
        if partner_ids is not None and not partner_ids:
            return []
        account_ids = account_ids or self.env["credit.exposure"]._receivable_account_ids()
        self.flush_model()
        self.env["res.partner"].flush_model(["commercial_partner_id"])
        self.env["account.move"].flush_model(["amount_residual"])
        self.env["account.move.line"].flush_model(
            ["partner_id", "account_id", "company_id", "parent_state", "balance", "date"]
        )
        partner_filter = SQL("TRUE") if partner_ids is None else SQL("pr.partner_id = ANY(%s)", list(partner_ids))
        self.env.cr.execute(
            SQL(
                """
            SELECT pr.id, pr.date, pr.amount, COALESCE(pr.tolerance_pct, 0), COALESCE(pr.grace_days, 0),
                   %(paid)s
              FROM credit_promise pr
         LEFT JOIN account_move m ON m.id = pr.move_id
             WHERE pr.company_id = %(company_id)s
               AND pr.state = 'open'
               AND %(partner_filter)s
            """,
                paid=promise_paid_sql(account_ids),
                company_id=company.id,
                partner_filter=partner_filter,
            )
        )
        ids, states, paids = [], [], []
        broken = []
        for promise_id, promise_date, amount, tolerance, grace, paid in self.env.cr.fetchall():
            paid = max(float(paid or 0.0), 0.0)
            state = promise_outcome(promise_date, float(amount), paid, on_date, float(tolerance), grace)
            ids.append(promise_id)
            states.append(state)
            paids.append(paid)
            if state == PROMISE_BROKEN:
                broken.append(promise_id)
        if ids:
            self.env.cr.execute(
                SQL(
                    """
                UPDATE credit_promise pr
                   SET state = t.state, amount_paid = t.paid,
                       date_settled = CASE WHEN t.state <> %(open)s THEN %(date)s::date END,
                       write_uid = %(uid)s, write_date = NOW() AT TIME ZONE 'UTC'
                  FROM unnest(%(ids)s::int[], %(states)s::varchar[], %(paids)s::numeric[]) AS t(id, state, paid)
                 WHERE pr.id = t.id AND (pr.state <> t.state OR pr.amount_paid IS DISTINCT FROM t.paid)
                """,
                    open=PROMISE_OPEN,
                    date=on_date,
                    uid=self.env.uid,
                    ids=ids,
                    states=states,
                    paids=paids,
                )
            )
            self.invalidate_model(["state", "amount_paid", "date_settled"])
        settled = self.browse([pid for pid, state in zip(ids, states, strict=True) if state != PROMISE_OPEN])
        if settled:
            settled._after_settled(company)
        return broken

    def _after_settled(self, company):
        """Say the outcome on each settled promise; a broken one raises an alert and moves the
        customer's worklist task up one role."""
        alerts = []
        broken_partners = set()
        bodies = {}
        for promise in self.sudo():
            amounts = {
                "amount": formatLang(self.env, promise.amount, currency_obj=promise.currency_id),
                "paid": formatLang(self.env, promise.amount_paid, currency_obj=promise.currency_id),
                "date": format_date(self.env, promise.date),
            }
            if promise.state == PROMISE_KEPT:
                bodies[promise.id] = _("Promise to pay %(amount)s by %(date)s kept (%(paid)s paid).", **amounts)
                continue
            if promise.amount_paid:
                bodies[promise.id] = _("Promise to pay %(amount)s by %(date)s partly kept: %(paid)s paid.", **amounts)
            else:
                bodies[promise.id] = _("Promise to pay %(amount)s by %(date)s broken: nothing paid.", **amounts)
            broken_partners.add(promise.partner_id.id)
            alerts.append(
                {
                    "partner_id": promise.partner_id.id,
                    "company_id": promise.company_id.id,
                    "alert_type": "collection_promise",
                    "event_key": "promise:%s" % promise.id,
                    "message": lambda env, promise=promise, amounts=amounts: env._(
                        "%(partner)s broke its promise to pay %(amount)s by %(date)s (%(paid)s paid): "
                        "dunning resumes and the collection escalates.",
                        partner=promise.partner_id.display_name,
                        **amounts,
                    ),
                }
            )
        if bodies:
            self.sudo()._message_log_batch(bodies=bodies)
        if alerts:
            self.env["credit.alert"].sudo()._raise_alerts(alerts)
        if broken_partners:
            tasks = self.env["credit.collection.task"].sudo()
            tasks._escalate(company, broken_partners)
            tasks.with_company(company)._refresh(company, list(broken_partners))

    @api.model
    def _kept_counts(self, company, partner_ids, since):
        """{commercial partner id: (kept, broken)} of the promises dated since ``since``, one query."""
        counts = defaultdict(lambda: (0, 0))
        if not partner_ids:
            return counts
        self.flush_model(["partner_id", "company_id", "state", "date"])
        self.env.cr.execute(
            SQL(
                """
            SELECT partner_id, COUNT(*) FILTER (WHERE state = 'kept'), COUNT(*) FILTER (WHERE state = 'broken')
              FROM credit_promise
             WHERE company_id = %(company_id)s AND partner_id = ANY(%(partner_ids)s) AND date >= %(since)s
               AND state IN ('kept', 'broken')
          GROUP BY partner_id
            """,
                company_id=company.id,
                partner_ids=list(partner_ids),
                since=since,
            )
        )
        for partner_id, kept, broken in self.env.cr.fetchall():
            counts[partner_id] = (kept, broken)
        return counts
