from odoo import _, api, fields, models
from odoo.exceptions import UserError


class CreditDunningWizard(models.TransientModel):
    """Start a dunning run by hand: preview it first, then send from the preview."""

    _name = "credit.dunning.wizard"
    _description = "Run Dunning"

    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)
    date = fields.Date(
        required=True,
        default=fields.Date.context_today,
        help="Items are dunned as on this date (their delays are counted up to it).",
    )
    policy_count = fields.Integer(compute="_compute_policy_count", string="Policies")

    @api.depends("company_id")
    def _compute_policy_count(self):
        for wizard in self:
            wizard.policy_count = self.env["credit.dunning.policy"].search_count(
                [("company_id", "=", wizard.company_id.id)]
            )

    def action_preview(self):
        """Select the items and show the communications to send, before anything is sent."""
        self.ensure_one()
        runs = self.env["credit.dunning.run"]
        runs._ensure_can_run()
        if self.date > fields.Date.context_today(self):
            raise UserError(_("A dunning run cannot be dated in the future."))
        if self.company_id not in self.env.user.company_ids:
            raise UserError(_("You cannot run dunning for %(company)s.", company=self.company_id.name))
        # an earlier preview of the company not sent yet is replaced by this one
        previous = runs.search([("company_id", "=", self.company_id.id), ("state", "=", "previewed")])
        if previous:
            previous.action_cancel()
        run = runs.with_company(self.company_id).create(
            {"company_id": self.company_id.id, "date": self.date, "trigger": "manual"}
        )
        run._prepare()
        if not run.communication_ids:
            run._finish(0.0)
        return {
            "type": "ir.actions.act_window",
            "res_model": "credit.dunning.run",
            "res_id": run.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "current",
        }
