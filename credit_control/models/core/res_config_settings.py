from odoo import api, fields, models


class ResConfigSettings(models.TransientModel):
    """Credit settings of the company. Credit managers change them without being system
    administrators: for them only the ``credit_*`` settings are written (``create``) and
    ``execute`` does nothing more (they cannot install modules or change other settings)."""

    _inherit = "res.config.settings"

    credit_hold_enabled = fields.Boolean(related="company_id.credit_hold_enabled", readonly=False)
    credit_check_order = fields.Boolean(related="company_id.credit_check_order", readonly=False)
    credit_auto_release = fields.Selection(related="company_id.credit_auto_release", readonly=False)
    credit_overdue_check = fields.Boolean(related="company_id.credit_overdue_check", readonly=False)
    credit_overdue_tolerance_days = fields.Integer(related="company_id.credit_overdue_tolerance_days", readonly=False)
    credit_overdue_tolerance_amount = fields.Monetary(
        related="company_id.credit_overdue_tolerance_amount", readonly=False
    )
    credit_no_limit_policy = fields.Selection(related="company_id.credit_no_limit_policy", readonly=False)

    def _compute_display_name(self):
        # as Odoo's, but the action's name is read as superuser: a credit manager reads no actions
        action = self.env["ir.actions.act_window"].sudo().search([("res_model", "=", self._name)], limit=1)
        self.display_name = action.name or self._name

    @api.model_create_multi
    def create(self, vals_list):
        if self._is_credit_manager_only():
            # only the credit settings, written as superuser: a credit manager cannot write companies
            allowed = set(self._get_credit_settings_fields())
            vals_list = [
                {name: value for name, value in vals.items() if name in allowed or name == "company_id"}
                for vals in vals_list
            ]
            return super(ResConfigSettings, self.sudo()).create(vals_list).with_env(self.env)
        return super().create(vals_list)

    def execute(self):
        if self._is_credit_manager_only():
            return {"type": "ir.actions.client", "tag": "reload"}
        return super().execute()

    @api.model
    def _is_credit_manager_only(self):
        return not self.env.is_admin() and self.env.user.has_group("credit_control.group_credit_manager")

    @api.model
    def _get_credit_settings_fields(self):
        """The settings a credit manager may change: the company's credit settings of every feature."""
        return [
            name
            for name, field in self._fields.items()
            if name.startswith("credit_") and field.related and field.related.startswith("company_id.")
        ]
