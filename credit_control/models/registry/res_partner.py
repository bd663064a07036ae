from odoo import _, api, fields, models
from odoo.exceptions import AccessError, ValidationError
from odoo.tools import SQL
from odoo.tools.sql import column_exists, table_exists

from ...lib.registry import choose_providers
from ...lib.registry.uscc import CHECK_MISMATCHES, INVALID, REGISTRATION_CHECK_MISMATCH, check_company_code
from ..core.res_partner import CREDIT_READ_GROUPS
from .credit_registry_snapshot import REGISTRY_STATUSES


class ResPartner(models.Model):
    """What registries say about a customer, and the buttons that ask them."""

    _inherit = "res.partner"

    credit_registry_lei = fields.Char(
        string="LEI",
        copy=False,
        help="Legal Entity Identifier (20 characters), checked against GLEIF.",
        prefetch="credit_control",
    )
    credit_registry_uscc = fields.Char(
        string="Unified Social Credit Code",
        copy=False,
        help="The 18-character code of a Chinese company (GB 32100-2015), or its 15-digit registration number "
        "before 2015; when empty, its VAT number is used. A code that cannot exist is refused; a check character "
        "that does not match is only a warning (early pilot codes fail the check).",
        prefetch="credit_control",
    )
    credit_registry_uscc_warning = fields.Char(
        string="Unified Social Credit Code Warning",
        compute="_compute_credit_registry_uscc_warning",
        prefetch="credit_control",
    )
    credit_risk_event_ids = fields.One2many(
        "credit.risk.event",
        "partner_id",
        string="Legal Risk Records",
        readonly=True,
        groups=CREDIT_READ_GROUPS,
        prefetch="credit_control",
    )
    credit_risk_active_ids = fields.One2many(
        "credit.risk.event",
        "partner_id",
        string="Active Legal Risk Records",
        domain=[("status", "=", "active")],
        readonly=True,
        groups=CREDIT_READ_GROUPS,
        prefetch="credit_control",
    )
    credit_risk_event_count = fields.Integer(
        string="Active Legal Risk Record Count",
        compute="_compute_credit_risk_event_count",
        groups=CREDIT_READ_GROUPS,
        prefetch="credit_control",
    )
    credit_registry_status = fields.Selection(
        REGISTRY_STATUSES,
        string="Registry Status",
        default="unknown",
        readonly=True,
        copy=False,
        tracking=True,
        help="The worst status among the last answers of the registries checked; unknown when none answered. "
        "A failed check never changes it.",
        prefetch="credit_control",
    )
    credit_registry_founded_on = fields.Date(
        string="Founded On",
        readonly=True,
        copy=False,
        help="The company's creation date, as a registry gives it.",
        prefetch="credit_control",
    )
    credit_registry_checked_on = fields.Datetime(
        string="Registry Checked On",
        readonly=True,
        copy=False,
        help="When a registry last answered.",
        prefetch="credit_control",
    )
    credit_registry_snapshot_id = fields.Many2one(
        "credit.registry.snapshot",
        string="Registry Answer",
        readonly=True,
        copy=False,
        groups=CREDIT_READ_GROUPS,
        help="The registry answer the registry status comes from.",
        prefetch="credit_control",
    )
    credit_registry_snapshot_ids = fields.One2many(
        "credit.registry.snapshot",
        "partner_id",
        string="Registry History",
        readonly=True,
        groups=CREDIT_READ_GROUPS,
        prefetch="credit_control",
    )
    credit_registry_latest_ids = fields.One2many(
        "credit.registry.snapshot",
        "partner_id",
        string="Latest Registry Answers",
        domain=[("is_latest", "=", True)],
        readonly=True,
        groups=CREDIT_READ_GROUPS,
        prefetch="credit_control",
    )
    credit_registry_snapshot_count = fields.Integer(
        string="Registry Checks",
        compute="_compute_credit_registry_snapshot_count",
        groups=CREDIT_READ_GROUPS,
        prefetch="credit_control",
    )

    def _compute_credit_registry_snapshot_count(self):
        counts = self._credit_count_per_commercial("credit.registry.snapshot")
        for partner in self:
            partner.credit_registry_snapshot_count = counts.get(partner.commercial_partner_id._origin.id, 0)

    @api.depends("credit_registry_uscc")
    def _compute_credit_registry_uscc_warning(self):
        for partner in self:
            partner.credit_registry_uscc_warning = partner._credit_uscc_warning()

    def _compute_credit_risk_event_count(self):
        counts = self._credit_count_per_commercial("credit.risk.event", [("status", "=", "active")])
        for partner in self:
            partner.credit_risk_event_count = counts.get(partner.commercial_partner_id._origin.id, 0)

    # ------------------------------------------------------------------
    # Constraints and onchanges
    # ------------------------------------------------------------------

    @api.constrains("credit_registry_uscc")
    def _check_credit_registry_uscc(self):
        """A code that cannot exist is refused: no registry is paid to look it up."""
        for partner in self:
            if partner.credit_registry_uscc and check_company_code(partner.credit_registry_uscc)[1] == INVALID:
                raise ValidationError(
                    _(
                        "%(code)s is not a unified social credit code (18 characters: digits and capital letters "
                        "except I, O, S, V and Z) nor a 15-digit registration number.",
                        code=partner.credit_registry_uscc,
                    )
                )

    @api.onchange("credit_registry_uscc")
    def _onchange_credit_registry_uscc(self):
        warning = self._credit_uscc_warning()
        if warning:
            return {"warning": {"title": _("Check the code"), "message": warning}}
        return None

    # ------------------------------------------------------------------
    # Installing into a company that already has customers
    # ------------------------------------------------------------------

    def _auto_init(self):
        self._credit_init_registry_status_column()
        return super()._auto_init()

    def _credit_init_registry_status_column(self):
        """Add the registry status with its default in the catalog (PostgreSQL keeps one value
        for the existing rows, no rewrite), instead of the ORM's UPDATE of every partner row."""
        cr = self.env.cr
        if not table_exists(cr, self._table) or column_exists(cr, self._table, "credit_registry_status"):
            return
        cr.execute(
            SQL(
                "ALTER TABLE %s ADD COLUMN credit_registry_status varchar DEFAULT 'unknown'",
                SQL.identifier(self._table),
            )
        )
        cr.execute(SQL("ALTER TABLE %s ALTER COLUMN credit_registry_status DROP DEFAULT", SQL.identifier(self._table)))

    def _credit_uscc_warning(self):
        code, verdict = check_company_code(self.credit_registry_uscc)
        if not self.credit_registry_uscc or verdict not in CHECK_MISMATCHES:
            return False
        if verdict == REGISTRATION_CHECK_MISMATCH:
            return _("The check digit of the registration number %(code)s does not match: check for a typo.", code=code)
        return _(
            "The check character of %(code)s does not match: check for a typo. Codes of the 2015 pilot regions fail "
            "this check and are still valid, so the code is kept and looked up.",
            code=code,
        )

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_credit_registry_fetch(self):
        """Ask the registries about this customer now: the one place a user waits on a registry.

        Providers whose calls of the minute are used up, or that back off after a 429, are not
        called: the customer is queued for them and the refresh runs when they allow it.
        """
        self._ensure_credit_registry_user()
        snapshots, waiting, skipped = self.env["credit.registry.fetcher"]._fetch_partners(self, user=self.env.user)
        return self._credit_registry_notification(snapshots, waiting, skipped)

    def action_credit_registry_request(self):
        """From the customer list: check the selected customers in the background."""
        self._ensure_credit_registry_user()
        count = self.env["credit.registry.fetcher"]._queue_partners(self)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "info" if count else "warning",
                "message": _("%(count)s registry checks queued; they run in the background.", count=count)
                if count
                else _("No enabled registry knows the selected customers."),
            },
        }

    def action_view_credit_risk_events(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("credit_control.action_credit_risk_event")
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {"create": False, "search_default_active": 1}
        return action

    def action_view_credit_registry_snapshots(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("credit_control.action_credit_registry_snapshot")
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {"create": False}
        return action

    # ------------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------------

    def _credit_registry_identifiers(self):
        """{provider code: identifier} worth asking about this company, from its country and numbers."""
        self.ensure_one()
        country = self.country_id.code
        return dict(
            choose_providers(
                country,
                vat=self.vat,
                company_registry=self.company_registry,
                lei=self.credit_registry_lei,
                unified_social_credit_code=self.credit_registry_uscc,
            )
        )

    def _ensure_credit_registry_user(self):
        if not self.env.user.has_group("credit_control.group_credit_user"):
            raise AccessError(_("Only credit users can check customers against registries."))

    def _credit_registry_notification(self, snapshots, waiting, skipped=()):
        labels = dict(self.env["credit.registry.snapshot"]._fields["status"]._description_selection(self.env))
        lines = []
        for snapshot in snapshots:
            if snapshot.error:
                lines.append(
                    _(
                        "%(provider)s: no answer (%(error)s)",
                        provider=snapshot.provider_id.name,
                        error=snapshot.error_label,
                    )
                )
            else:
                lines.append(
                    _("%(provider)s: %(status)s", provider=snapshot.provider_id.name, status=labels[snapshot.status])
                )
            if snapshot.risk_checked:
                active = snapshot.partner_id.sudo().credit_risk_event_ids.filtered(
                    lambda event, provider=snapshot.provider_id: (
                        event.provider_id == provider and event.status == "active"
                    )
                )
                lines.append(
                    _(
                        "%(provider)s: %(count)s active legal-risk records",
                        provider=snapshot.provider_id.name,
                        count=len(active),
                    )
                )
                if snapshot.risk_error:
                    lines.append(
                        _(
                            "%(provider)s: some legal-risk lists gave no answer (%(errors)s)",
                            provider=snapshot.provider_id.name,
                            errors=snapshot.risk_error,
                        )
                    )
        for _partner, provider in waiting:
            lines.append(
                _("%(provider)s: too many calls for now, checked in the background later", provider=provider.name)
            )
        for _partner, provider, reason in skipped:
            lines.append(_("%(provider)s: not checked, %(reason)s", provider=provider.name, reason=reason))
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "warning" if waiting or skipped or any(snapshots.mapped("error")) else "success",
                "title": _("Registry check"),
                "message": "\n".join(lines),
                "sticky": False,
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }
