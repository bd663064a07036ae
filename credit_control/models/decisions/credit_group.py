from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from ...tools import ormcache


class CreditGroup(models.Model):
    """Related companies (a parent and its subsidiaries) sharing one credit limit, possibly across
    several of our companies. The group limit is checked before each member's own limit."""

    _name = "credit.group"
    _description = "Credit Group"
    _inherit = ["mail.thread"]
    _order = "name"

    name = fields.Char(required=True, tracking=True)
    active = fields.Boolean(default=True)
    currency_id = fields.Many2one(
        "res.currency", required=True, default=lambda self: self.env.company.currency_id, tracking=True
    )
    limit = fields.Monetary(string="Group Limit", currency_field="currency_id", tracking=True)
    valid_until = fields.Date(tracking=True, help="After this date the group limit no longer applies.")
    member_ids = fields.Many2many(
        "res.partner",
        "credit_group_partner_rel",
        "group_id",
        "partner_id",
        string="Members",
        domain="[('parent_id', '=', False)]",
        help="The commercial entities whose exposures add up against the group limit.",
    )
    note = fields.Html()
    exposure = fields.Monetary(
        string="Group Exposure",
        compute="_compute_group_figures",
        currency_field="currency_id",
        help="The members' exposures in every company, converted into the group's currency at today's rate.",
    )
    available = fields.Monetary(
        string="Group Available", compute="_compute_group_figures", currency_field="currency_id"
    )
    overdue = fields.Monetary(string="Group Overdue", compute="_compute_group_figures", currency_field="currency_id")
    member_count = fields.Integer(compute="_compute_member_count")
    aging_html = fields.Html(string="Group Aging (This Company)", compute="_compute_aging_html", sanitize=False)

    @api.depends("member_ids")
    def _compute_member_count(self):
        for group in self:
            group.member_count = len(group.member_ids)

    @api.depends_context("company")
    def _compute_aging_html(self):
        """The members' receivables by aging bucket in the current company, one query for all the groups."""
        company = self.env.company
        aging = self.env["credit.aging"].sudo()
        names = aging._bucket_names(company._validate_aging_boundaries(company.credit_aging_boundaries, company.name))
        members = self.member_ids
        totals = (
            aging._get_aging_totals(company, fields.Date.context_today(self), partner_ids=members.ids)
            if members
            else {}
        )
        for group in self:
            amounts = [0.0] * len(names)
            for member in group.member_ids:
                for index, amount in enumerate(totals.get(member.id) or []):
                    amounts[index] += amount
            group.aging_html = self.env["res.partner"]._credit_aging_table(names, amounts, company.currency_id)

    @api.depends("member_ids", "limit", "currency_id")
    def _compute_group_figures(self):
        figures = self._get_group_figures(fields.Date.context_today(self))
        for group in self:
            exposure, overdue = figures.get(group.id, (0.0, 0.0))
            group.exposure = exposure
            group.overdue = overdue
            group.available = group.limit - exposure

    @api.constrains("member_ids")
    def _check_one_group_per_member(self):
        for group in self:
            if any(member.parent_id for member in group.member_ids):
                raise ValidationError(_("Members of credit group %s must be companies, not contacts.", group.name))
            others = self.search([("id", "!=", group.id), ("member_ids", "in", group.member_ids.ids)], limit=1)
            if others:
                shared = group.member_ids & others.member_ids
                raise ValidationError(
                    _(
                        "%(partner)s is already a member of credit group %(group)s.",
                        partner=shared[0].display_name,
                        group=others.name,
                    )
                )

    @api.constrains("limit")
    def _check_limit(self):
        for group in self:
            if group.limit < 0:
                raise ValidationError(_("The limit of credit group %s cannot be negative.", group.name))

    @api.model_create_multi
    def create(self, vals_list):
        self.env.registry.clear_cache()  # _has_active_groups
        return super().create(vals_list)

    def write(self, vals):
        if "active" in vals:
            self.env.registry.clear_cache()
        return super().write(vals)

    def unlink(self):
        self.env.registry.clear_cache()
        return super().unlink()

    def action_view_members(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("credit_control.action_partner_credit")
        action["domain"] = [("id", "in", self.member_ids.ids)]
        action["name"] = _("Members of %s", self.name)
        return action

    def _get_group_figures(self, today, rate_company=None):
        """{group id: (exposure, overdue)} in each group's currency: the members' figures in every
        company, read as superuser with the figures service (its queries once per company for
        all the members of all the groups), converted at today's rate of ``rate_company`` (the
        current company by default)."""
        rate_company = rate_company or self.env.company
        members = self.member_ids
        if not members:
            return {}
        exposure_service = self.env["credit.exposure"].sudo()
        per_company = {}
        for company in self.env["res.company"].sudo().search([("active", "=", True)]):
            per_company[company] = exposure_service.with_company(company)._get_figures(members, company, today=today)
        result = {}
        for group in self:
            exposure = overdue = 0.0
            for company, figures in per_company.items():
                for member in group.member_ids:
                    figure = figures.get(member.id)
                    if not figure:
                        continue
                    currency = company.currency_id
                    exposure += currency._convert(figure.exposure, group.currency_id, rate_company, today)
                    overdue += currency._convert(figure.overdue, group.currency_id, rate_company, today)
            result[group.id] = (exposure, overdue)
        return result

    @api.model
    @ormcache()
    def _has_active_groups(self):
        """Whether any credit group is active, cached: most companies have none, and every
        confirmation would search the groups of its customer."""
        return bool(self.sudo().search_count([], limit=1))

    @api.model
    def _get_member_facts(self, partners, company, today):
        """{member id: {group, limit, exposure}} for the ``partners`` in an active, unexpired group,
        amounts in ``company``'s currency."""
        if not self._has_active_groups():
            return {}
        groups = (
            self.sudo()
            .search([("member_ids", "in", partners.ids)])
            .filtered(lambda group: not group.valid_until or group.valid_until >= today)
        )
        if not groups:
            return {}
        figures = groups._get_group_figures(today, rate_company=company)
        facts = {}
        for group in groups:
            exposure = group.currency_id._convert(figures[group.id][0], company.currency_id, company, today)
            limit = group.currency_id._convert(group.limit, company.currency_id, company, today)
            for member in group.member_ids & partners:
                facts[member.id] = {"group": group.name, "group_limit": limit, "group_exposure": exposure}
        return facts
