from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools.misc import formatLang

INSURANCE_STATES = [
    ("requested", "Requested"),
    ("granted", "Granted"),
    ("reduced", "Reduced"),
    ("cancelled", "Cancelled"),
]


class CreditInsurance(models.Model):
    """A credit insurer's cover of one customer in one company. The customer's current cover
    (insured limit and status) is kept on the partner, so that the limit in force reads it with
    the other credit fields; a reduction or a cancellation raises an alert and a review."""

    _name = "credit.insurance"
    _description = "Credit Insurance"
    _inherit = ["mail.thread"]
    _order = "date_start desc, id desc"
    _check_company_auto = True

    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True, domain="[('parent_id', '=', False)]"
    )
    company_id = fields.Many2one("res.company", required=True, index=True, default=lambda self: self.env.company)
    currency_id = fields.Many2one(related="company_id.currency_id")
    insurer_id = fields.Many2one("res.partner", required=True, tracking=True)
    policy_number = fields.Char(string="Policy", tracking=True)
    insured_limit = fields.Monetary(currency_field="currency_id", tracking=True)
    coverage_percent = fields.Float(string="Coverage (%)", default=90.0, tracking=True)
    date_start = fields.Date(string="Valid From", required=True, default=fields.Date.context_today)
    date_end = fields.Date(string="Valid Until", tracking=True)
    state = fields.Selection(INSURANCE_STATES, default="requested", required=True, tracking=True)

    @api.constrains("insured_limit", "coverage_percent", "date_start", "date_end")
    def _check_values(self):
        for cover in self:
            if cover.insured_limit < 0 or not 0 <= cover.coverage_percent <= 100:
                raise ValidationError(_("The insured limit cannot be negative and the coverage is 0 to 100 %."))
            if cover.date_end and cover.date_end < cover.date_start:
                raise ValidationError(_("The insurance of %s ends before it starts.", cover.partner_id.display_name))

    @api.model_create_multi
    def create(self, vals_list):
        covers = super().create(vals_list)
        covers._sync_partners()
        return covers

    def write(self, vals):
        before = {cover.id: (cover.state, cover.insured_limit) for cover in self}
        result = super().write(vals)
        self._sync_partners()
        self._raise_reduction_alerts(before)
        return result

    def _sync_partners(self):
        """Write each customer's current cover on the partner (company-dependent), one write per value."""
        today = fields.Date.context_today(self)
        for company, covers in self.grouped("company_id").items():
            partners = covers.partner_id
            current = {}
            for cover in self.sudo().search([("partner_id", "in", partners.ids), ("company_id", "=", company.id)]):
                if cover.date_start <= today and cover.partner_id.id not in current:
                    current[cover.partner_id.id] = cover
            for partner in partners:
                cover = current.get(partner.id)
                expired = cover and cover.date_end and cover.date_end < today
                state = "cancelled" if expired else (cover.state if cover else False)
                insured = cover.insured_limit if cover and state in ("granted", "reduced") else 0.0
                partner.with_company(company).sudo().write(
                    {"credit_insurance_state": state, "credit_insured_limit": insured}
                )

    def _raise_reduction_alerts(self, before):
        vals_list = []
        for cover in self:
            state, limit = before.get(cover.id, (cover.state, cover.insured_limit))
            reduced = cover.state == "reduced" and (state != "reduced" or cover.insured_limit < limit)
            cancelled = cover.state == "cancelled" and state != "cancelled"
            if not (reduced or cancelled):
                continue
            message = (
                _(
                    "%(insurer)s cancelled the credit insurance of %(partner)s (policy %(policy)s).",
                    insurer=cover.insurer_id.display_name,
                    partner=cover.partner_id.display_name,
                    policy=cover.policy_number or "-",
                )
                if cancelled
                else _(
                    "%(insurer)s reduced the insured limit of %(partner)s from %(old)s to %(new)s.",
                    insurer=cover.insurer_id.display_name,
                    partner=cover.partner_id.display_name,
                    old=formatLang(self.env, limit, currency_obj=cover.currency_id),
                    new=formatLang(self.env, cover.insured_limit, currency_obj=cover.currency_id),
                )
            )
            vals_list.append(
                {
                    "partner_id": cover.partner_id.id,
                    "company_id": cover.company_id.id,
                    "alert_type": "insurance",
                    "event_key": "insurance:%s:%s:%s" % (cover.id, cover.state, cover.insured_limit),
                    "message": message,
                }
            )
            cover.message_post(body=Markup("<p>%s</p>") % message, subtype_xmlid="mail.mt_note")
        if vals_list:
            self.env["credit.alert"].sudo()._raise_alerts(vals_list)
