from odoo import _, fields, models
from odoo.exceptions import AccessError

from ...lib.registry import choose_providers
from ..core.res_partner import CREDIT_READ_GROUPS
from .credit_registry_snapshot import REGISTRY_STATUSES


class ResPartner(models.Model):
    """What registries say about a customer, and the buttons that ask them."""

    _inherit = "res.partner"

    credit_registry_lei = fields.Char(
        string="LEI", copy=False, help="Legal Entity Identifier (20 characters), checked against GLEIF."
    )
    credit_registry_uscc = fields.Char(
        string="Unified Social Credit Code",
        copy=False,
        help="The 18-character code of a Chinese company; when empty, its VAT number is used.",
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
    )
    credit_registry_founded_on = fields.Date(
        string="Founded On", readonly=True, copy=False, help="The company's creation date, as a registry gives it."
    )
    credit_registry_checked_on = fields.Datetime(
        string="Registry Checked On", readonly=True, copy=False, help="When a registry last answered."
    )
    credit_registry_snapshot_id = fields.Many2one(
        "credit.registry.snapshot",
        string="Registry Answer",
        readonly=True,
        copy=False,
        groups=CREDIT_READ_GROUPS,
        help="The registry answer the registry status comes from.",
    )
    credit_registry_snapshot_ids = fields.One2many(
        "credit.registry.snapshot", "partner_id", string="Registry History", readonly=True, groups=CREDIT_READ_GROUPS
    )
    credit_registry_latest_ids = fields.One2many(
        "credit.registry.snapshot",
        "partner_id",
        string="Latest Registry Answers",
        domain=[("is_latest", "=", True)],
        readonly=True,
        groups=CREDIT_READ_GROUPS,
    )
    credit_registry_snapshot_count = fields.Integer(
        string="Registry Checks", compute="_compute_credit_registry_snapshot_count", groups=CREDIT_READ_GROUPS
    )

    def _compute_credit_registry_snapshot_count(self):
        counts = self._credit_count_per_commercial("credit.registry.snapshot")
        for partner in self:
            partner.credit_registry_snapshot_count = counts.get(partner.commercial_partner_id._origin.id, 0)

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_credit_registry_fetch(self):
        """Ask the registries about this customer now: the one place a user waits on a registry.

        Providers whose calls of the minute are used up, or that back off after a 429, are not
        called: the customer is queued for them and the refresh runs when they allow it.
        """
        self._ensure_credit_registry_user()
        snapshots, waiting = self.env["credit.registry.fetcher"]._fetch_partners(self, user=self.env.user)
        return self._credit_registry_notification(snapshots, waiting)

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

    def _credit_registry_notification(self, snapshots, waiting):
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
        for _partner, provider in waiting:
            lines.append(
                _("%(provider)s: too many calls for now, checked in the background later", provider=provider.name)
            )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "warning" if waiting or any(snapshots.mapped("error")) else "success",
                "title": _("Registry check"),
                "message": "\n".join(lines),
                "sticky": False,
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }
