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
        groups_change = "groups_id" in vals or any(key.startswith(GROUP_FIELD_PREFIXES) for key in vals)
        if not groups_change or self.env.context.get("install_module"):
            return super().write(vals)
        before = self.env["res.groups"]._credit_user_ids()
        result = super().write(vals)
        self.env["res.groups"]._credit_set_home_action_of_new_members(before)
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
        if "users" not in vals or self.env.context.get("install_module"):
            return super().write(vals)
        before = self._credit_user_ids()
        result = super().write(vals)
        self._credit_set_home_action_of_new_members(before)
        return result

    @api.model
    def _credit_user_ids(self):
        """Ids of the users of the credit groups now (the manager's group implies the user's)."""
        group = self.env.ref("credit_control.group_credit_user", raise_if_not_found=False)
        return set(group.sudo().with_context(active_test=False).users.ids) if group else set()

    @api.model
    def _credit_set_home_action_of_new_members(self, before):
        """The users who have just joined a credit group get the overview as home, once. Users who
        were credit users already keep theirs (Odoo's own group writes, the settings of other
        apps), and so does everyone while modules install (the writes skip it): existing users
        are left as they are."""
        joined = self._credit_user_ids() - before
        if joined:
            self.env["res.users"].browse(joined)._credit_set_home_action()
