from odoo import _, api, models

from ...lib.channels.robots import markdown_escape


class CreditLimitRequest(models.Model):
    """Requests sent to their tiers are told to the robots subscribed to limit requests."""

    _inherit = "credit.limit.request"

    def action_submit(self):
        result = super().action_submit()
        waiting = self.filtered(lambda request: request.state == "to_approve")
        for company, requests in waiting.grouped("company_id").items():
            self.env["credit.channel.message"]._enqueue("limit_request", company, requests)
        return result

    @api.model
    def _get_channel_lines(self, request):
        """The lines a robot shows for ``request`` (rendered in the robot's language)."""
        kind = dict(request._fields["kind"]._description_selection(self.env))[request.kind]
        return [
            _("**Customer**: %(customer)s", customer=markdown_escape(request.partner_id.display_name)),
            _("**Kind**: %(kind)s", kind=kind),
            _(
                "**Requested limit**: %(amount)s",
                amount=request.currency_id.format(request.requested_limit or 0.0),
            ),
            _("**Requested by**: %(user)s", user=markdown_escape(request.requested_by_id.name or "-")),
        ]
