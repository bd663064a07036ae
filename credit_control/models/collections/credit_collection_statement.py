from datetime import timedelta

from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.tools import SQL

from ...lib.collections import aging_buckets

STATEMENT_KINDS = [("on_demand", "On demand"), ("monthly", "Monthly")]
STATEMENT_STATES = [("draft", "To Send"), ("sent", "Sent")]
# statements emailed per batch of the monthly run
SEND_BATCH = 200
# The job channel of the statement runs (credit_control_queue).
STATEMENT_CHANNEL = "root.credit_control.statements"
PAYMENT_DAYS = 90


class CreditCollectionStatement(models.Model):
    """A customer's statement of account on a date: the link it gets by email, to its portal page.

    The page shows the customer's open items, aging and recent payments as they are when it is
    opened, with a pay-now link on each invoice when the company has a payment provider; the
    access token of the statement lets the customer open it without an account. One statement
    per customer, company, date and kind: the monthly run is idempotent.
    """

    _name = "credit.collection.statement"
    _description = "Customer Statement"
    _inherit = ["portal.mixin", "mail.thread"]
    _order = "date desc, id desc"
    _check_company_auto = True
    _rec_name = "partner_id"

    partner_id = fields.Many2one("res.partner", string="Customer", required=True, readonly=True, index=True)
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    date = fields.Date(required=True, readonly=True, index=True)
    kind = fields.Selection(STATEMENT_KINDS, required=True, readonly=True, default="on_demand")
    state = fields.Selection(STATEMENT_STATES, required=True, readonly=True, default="draft", index=True)
    mail_id = fields.Many2one("mail.mail", readonly=True, ondelete="set null")

    _sql_constraints = [
        (
            "statement_unique",
            "unique(company_id, partner_id, date, kind)",
            "This customer already has a statement of this kind on this date.",
        ),
    ]

    def _compute_access_url(self):
        for statement in self:
            statement.access_url = "/my/credit/statement/%s" % statement.id

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_send(self):
        self._send()
        return True

    def action_preview(self):
        self.ensure_one()
        return {"type": "ir.actions.act_url", "url": self.get_portal_url(), "target": "new"}

    # ------------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------------

    @api.model
    def _get_or_create(self, partner, company, on_date):
        statement = self.sudo().search(
            [
                ("partner_id", "=", partner.commercial_partner_id.id),
                ("company_id", "=", company.id),
                ("date", "=", on_date),
                ("kind", "=", "on_demand"),
            ],
            limit=1,
        )
        if not statement:
            statement = self.sudo().create(
                {"partner_id": partner.commercial_partner_id.id, "company_id": company.id, "date": on_date}
            )
        return statement.with_env(self.env) if self.env.su else statement

    @api.model
    def _cron_monthly(self):
        """First of the month: the statements of every company that sends them."""
        today = fields.Date.context_today(self)
        for company in self.env["res.company"].sudo().search([("credit_statement_monthly", "=", True)]):
            self.sudo().with_company(company)._run_monthly(company, today.replace(day=1))

    @api.model
    def _run_monthly(self, company, on_date):
        """Create the monthly statements of ``on_date`` (one INSERT … SELECT, once per customer with
        open items who did not opt out), then email the ones not sent yet, by batches.
        Running it again creates and sends nothing new. Returns the statements created."""
        self.env["credit.exposure"]._flush_figure_models()
        self.env["res.partner"].flush_model(["credit_statement_opt_out"])
        self.env.cr.execute(
            SQL(
                """
            INSERT INTO credit_collection_statement
                   (partner_id, company_id, date, kind, state, access_token,
                    create_uid, create_date, write_uid, write_date)
            SELECT cp.id, %(company_id)s, %(date)s, 'monthly', 'draft', gen_random_uuid()::text,
                   %(uid)s, NOW() AT TIME ZONE 'UTC', %(uid)s, NOW() AT TIME ZONE 'UTC'
              FROM res_partner cp
             WHERE cp.id IN (SELECT p.commercial_partner_id
                               FROM account_move_line aml
                               JOIN res_partner p ON p.id = aml.partner_id
                              WHERE aml.account_id = ANY(%(account_ids)s)
                                AND aml.company_id = %(company_id)s
                                AND aml.parent_state = 'posted'
                                AND aml.reconciled IS NOT TRUE)
               AND COALESCE((cp.credit_statement_opt_out ->> %(key)s)::boolean, FALSE) IS NOT TRUE
            ON CONFLICT (company_id, partner_id, date, kind) DO NOTHING
         RETURNING id
            """,
                company_id=company.id,
                date=on_date,
                uid=self.env.uid,
                account_ids=self.env["credit.exposure"]._receivable_account_ids(),
                key=str(company.id),
            )
        )
        created = self.browse([row[0] for row in self.env.cr.fetchall()])
        pending = self.search(
            [("company_id", "=", company.id), ("date", "=", on_date), ("kind", "=", "monthly"), ("state", "=", "draft")]
        )
        self.env["credit.batch"]._credit_run_batches(pending, "_send_batch", SEND_BATCH, STATEMENT_CHANNEL)
        return created

    def _send_batch(self):
        """One batch of a statement run (``credit.batch``): the statements not sent yet."""
        return self.filtered(lambda statement: statement.state == "draft")._send()

    def _send(self):
        """Queue each statement's email (its link to the portal page, pay now when possible)."""
        template = self.env.ref("credit_control.mail_template_credit_statement")
        for statement in self:
            if not statement.partner_id.email:
                statement.message_post(body=_("No email address: the statement was not sent."))
                continue
            mail_id = template.sudo().send_mail(
                statement.id, force_send=False, email_layout_xmlid="mail.mail_notification_light"
            )
            statement.sudo().write({"state": "sent", "mail_id": mail_id})
        return True

    @api.model
    def _payment_enabled(self, company):
        """Whether the company has a payment provider customers can pay with (enabled or in test)."""
        return bool(
            self.env["payment.provider"]
            .sudo()
            .search_count([("company_id", "=", company.id), ("state", "in", ("enabled", "test"))], limit=1)
        )

    @api.model
    def _pay_now_block(self, partner, company, on_date):
        """The HTML paragraph of a reminder email: the statement link, and pay now when a provider
        is enabled (empty otherwise)."""
        if not self._payment_enabled(company):
            return Markup("")
        statement = self.sudo()._get_or_create(partner, company, on_date or fields.Date.context_today(self))
        url = statement.get_base_url() + statement.get_portal_url()
        return Markup(
            '<p style="margin: 16px 0px;"><a href="%s" class="o_credit_pay_now" '
            'style="background-color: #875A7B; padding: 8px 16px; color: #fff; border-radius: 5px;">%s</a></p>'
        ) % (url, _("Pay now"))

    def _statement_values(self):
        """What the page shows, read as the customer's company sees it now (sudo: portal readers)."""
        self.ensure_one()
        company = self.company_id
        today = fields.Date.context_today(self)
        lines = (
            self.env["account.move.line"]
            .sudo()
            .with_company(company)
            .search(
                [
                    ("partner_id", "child_of", self.partner_id.id),
                    ("company_id", "=", company.id),
                    ("account_id.account_type", "=", "asset_receivable"),
                    ("parent_state", "=", "posted"),
                    ("reconciled", "=", False),
                    ("amount_residual", "!=", 0),
                ],
                order="date_maturity, id",
            )
        )
        payment_enabled = self._payment_enabled(company)
        buckets = [0.0] * 5
        items = []
        for line in lines:
            due = line.date_maturity or line.date
            days = (today - due).days
            buckets[aging_buckets(days)] += line.amount_residual
            move = line.move_id
            pay_url = False
            if payment_enabled and move.move_type in ("out_invoice", "out_receipt") and line.amount_residual > 0:
                pay_url = move.get_portal_url()
            items.append({"line": line, "move": move, "due": due, "days": max(days, 0), "pay_url": pay_url})
        payments = (
            self.env["account.move.line"]
            .sudo()
            .search(
                [
                    ("partner_id", "child_of", self.partner_id.id),
                    ("company_id", "=", company.id),
                    ("account_id.account_type", "=", "asset_receivable"),
                    ("parent_state", "=", "posted"),
                    ("balance", "<", 0),
                    ("date", ">=", today - timedelta(days=PAYMENT_DAYS)),
                ],
                order="date desc, id desc",
            )
        )
        labels = [_("Not due"), _("1-30"), _("31-60"), _("61-90"), _("Over 90")]
        bucket_rows = []
        for label, amount in zip(labels, buckets, strict=True):
            bucket_rows.append({"label": label, "amount": amount})
        return {
            "statement": self,
            "company": company,
            "currency": company.currency_id,
            "items": items,
            "buckets": bucket_rows,
            "balance": sum(lines.mapped("amount_residual")),
            "payments": payments,
            "payment_enabled": payment_enabled,
            "today": today,
        }
