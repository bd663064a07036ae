from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from ...lib.limits import NO_LIMIT_NO_CREDIT, NO_LIMIT_UNLIMITED
from ...tools import ormcache


class ResCompany(models.Model):
    """Credit settings of the company. The credit fields of companies and customers are in their
    own prefetch group, ``credit_control``: Odoo's own reads of these rows (every confirmation,
    every form) neither fetch them nor check their access groups."""

    _inherit = "res.company"

    credit_hold_enabled = fields.Boolean(
        string="Credit Holds",
        help="Check every sale order at confirmation and put it on credit hold when the "
        "customer is over its limit, overdue beyond tolerance, on manual hold or blacklisted.",
        prefetch="credit_control",
    )
    credit_check_order = fields.Boolean(
        string="Check at Order Confirmation",
        default=True,
        help="Put sale orders that break a credit rule on hold when they are confirmed.",
        prefetch="credit_control",
    )
    credit_auto_release = fields.Selection(
        [("release", "Release automatically"), ("notify", "Tell the credit managers")],
        string="Holds That Pass Again",
        default="release",
        required=True,
        help="When a customer pays, gets a higher limit or leaves a manual hold, its pending holds are "
        "checked again; those that now pass are released, or the credit managers are told.",
        prefetch="credit_control",
    )
    credit_overdue_check = fields.Boolean(
        string="Hold Overdue Customers",
        default=True,
        help="Hold orders of customers whose overdue items exceed the tolerance.",
        prefetch="credit_control",
    )
    credit_overdue_tolerance_days = fields.Integer(
        string="Overdue Tolerance (Days)",
        default=0,
        help="Items are counted as overdue only this many days after their due date.",
        prefetch="credit_control",
    )
    credit_overdue_tolerance_amount = fields.Monetary(
        string="Overdue Tolerance (Amount)",
        currency_field="currency_id",
        help="Overdue amounts up to this value do not hold orders.",
        prefetch="credit_control",
    )
    credit_no_limit_policy = fields.Selection(
        selection=[
            (NO_LIMIT_UNLIMITED, "Unlimited credit"),
            (NO_LIMIT_NO_CREDIT, "No credit"),
        ],
        string="Customers Without Limit",
        default=NO_LIMIT_UNLIMITED,
        required=True,
        help="What a customer without a credit limit of its own may buy on credit.",
        prefetch="credit_control",
    )

    @api.constrains("credit_overdue_tolerance_days", "credit_overdue_tolerance_amount")
    def _check_credit_overdue_tolerance(self):
        for company in self:
            if company.credit_overdue_tolerance_days < 0 or company.credit_overdue_tolerance_amount < 0:
                raise ValidationError(_("The overdue tolerance of %s cannot be negative.", company.name))

    def write(self, vals):
        if not set(self._credit_settings_fields()).isdisjoint(vals):
            # the settings cached for the credit checks, in every worker (at commit)
            self.env.registry.clear_cache()
        return super().write(vals)

    def _credit_checks_at(self, checkpoint):
        """Whether the company holds documents at ``checkpoint`` (``order``, and the checkpoints
        the packages add, each with its ``credit_check_<checkpoint>`` switch)."""
        self.ensure_one()
        self._credit_prefetch_settings()
        return self.credit_hold_enabled and bool(self["credit_check_%s" % checkpoint])

    # ------------------------------------------------------------------
    # The credit settings, cached
    # ------------------------------------------------------------------

    def _credit_prefetch_settings(self):
        """Put the companies' credit settings into the ORM cache from the registry's cache: every
        confirmation reads them, and they change only through a company's ``write`` (which clears
        that cache in every worker). Values already in the ORM cache (pending writes) stay. While
        the registry has caches cleared but not signalled yet (a transaction that changed settings
        and may still roll back), they are read from the database and not kept."""
        cache = self.env.cache
        marker = self._fields["credit_hold_enabled"]
        companies = [company for company in self if isinstance(company.id, int) and not cache.contains(company, marker)]
        if not companies:
            return
        settings = self._credit_settings_fields()
        for company in companies:
            if self.env.registry.cache_invalidated:
                company.sudo().fetch(list(settings))
                continue
            for name, value in zip(settings, self._credit_settings_values(company.id), strict=True):
                field = self._fields[name]
                if not cache.contains(company, field):
                    cache.update(company, field, [value])

    @api.model
    @ormcache()
    def _credit_settings_fields(self):
        """Names of the settings kept, sorted (``_get_credit_settings_fields``)."""
        return tuple(sorted(set(self._get_credit_settings_fields())))

    @api.model
    def _get_credit_settings_fields(self):
        """The settings every check reads, kept in the registry's cache: the switches of the
        checkpoints and the settings of the rules. Packages add their checkpoint's with ``super()``
        (plain stored fields only: no translated, company-dependent or x2many field)."""
        return ["credit_hold_enabled", "credit_check_order", *self.env["credit.rule"]._get_company_fields()]

    @ormcache("company_id")
    def _credit_settings_values(self, company_id):
        """The values of ``_credit_settings_fields`` (in their order) as the ORM caches them."""
        company = self.sudo().browse(company_id)
        settings = self._credit_settings_fields()
        company.fetch(list(settings))
        cache = self.env.cache
        return tuple(cache.get(company, self._fields[name]) for name in settings)

    def _get_credit_managers(self):
        """The active internal users of the credit manager group who work in this company."""
        self.ensure_one()
        group = self.env.ref("credit_control.group_credit_manager")
        return group.sudo().users.filtered(lambda user: user.active and not user.share and self in user.company_ids)
