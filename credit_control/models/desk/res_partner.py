from odoo import _, api, fields, models

SIGNAL_STATES = [
    ("ok", "Can buy on credit"),
    ("warning", "Can buy on credit, with warnings"),
    ("blocked", "Cannot buy on credit"),
]


class ResPartner(models.Model):
    """The credit signal of the customer form: one banner saying whether the customer can buy on
    credit now and why not, in the words of a hold's reasons (the rules of the confirmation)."""

    _inherit = "res.partner"

    credit_signal_state = fields.Selection(
        SIGNAL_STATES,
        string="Credit Signal",
        compute="_compute_credit_signal",
        compute_sudo=True,
        help="Whether an order of this customer would pass the credit rules now (empty where the company "
        "checks no order).",
        prefetch="credit_control",
    )
    credit_signal_reasons = fields.Text(
        string="Why",
        compute="_compute_credit_signal",
        compute_sudo=True,
        help="The reasons a new order would be held or warned about, as a credit hold would say them.",
        prefetch="credit_control",
    )

    @api.depends_context("company", "lang")
    @api.depends("credit_limit", "credit_hold", "credit_blacklisted", "parent_id", "is_company")
    def _compute_credit_signal(self):
        """One evaluation for all the records (a form, or a batch): no query per customer."""
        self.credit_signal_state = False
        self.credit_signal_reasons = False
        company = self.env.company
        if not company._credit_checks_at("order"):
            return
        commercials = self.commercial_partner_id._origin.filtered("id")
        if not commercials:
            return
        results = self.env["credit.rule"]._evaluate_partners(commercials, company)
        for partner in self:
            failures, warnings = results.get(partner.commercial_partner_id._origin.id, ([], []))
            partner.credit_signal_state, partner.credit_signal_reasons = self._credit_signal_of(failures, warnings)

    @api.model
    def _credit_signal_of(self, failures, warnings):
        """(state, reasons) of the failures of the rules that hold and of those that warn only."""
        messages = [failure["message"] for failure in failures]
        for failure in warnings:
            messages.append(_("Warning: %s", failure["message"]))
        state = "blocked" if failures else "warning" if warnings else "ok"
        return state, "\n".join(messages) or False
