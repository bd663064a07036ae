from odoo import api, models

GROUP_FIELD_PREFIXES = ("in_group_", "sel_groups_")


class ResUsers(models.Model):
    _inherit = "res.users"

    @api.model_create_multi
    def create(self, vals_list):
        users = super().create(vals_list)
        users._credit_set_home_action()
        return users

    def write(self, vals):
        result = super().write(vals)
        if "groups_id" in vals or any(key.startswith(GROUP_FIELD_PREFIXES) for key in vals):
            self._credit_set_home_action()
        return result

    def _credit_set_home_action(self):
        """Credit users with no home action of their own land on the Credit Control overview."""
        action = self.env.ref("credit_control.action_credit_overview", raise_if_not_found=False)
        group = self.env.ref("credit_control.group_credit_user", raise_if_not_found=False)
        if not action or not group:
            return
        users = self.sudo().filtered(lambda user: not user.share and not user.action_id and group in user.groups_id)
        if users:
            users.write({"action_id": action.id})


class ResGroups(models.Model):
    _inherit = "res.groups"

    def write(self, vals):
        result = super().write(vals)
        if "users" in vals:
            self.sudo().with_context(active_test=False).users._credit_set_home_action()
        return result
