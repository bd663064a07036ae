from markupsafe import Markup

from odoo import api, fields, models
from odoo.tools.misc import formatLang

from ...lib.aging import countback_dso
from ..core.res_partner import CREDIT_READ_GROUPS


class ResPartner(models.Model):
    """The customer's aging buckets and DSO on its Credit tab."""

    _inherit = "res.partner"

    credit_aging_html = fields.Html(
        string="Aging",
        compute="_compute_credit_aging",
        sanitize=False,
        groups=CREDIT_READ_GROUPS,
        prefetch="credit_control",
    )
    credit_dso = fields.Float(
        string="DSO (days)",
        compute="_compute_credit_aging",
        groups=CREDIT_READ_GROUPS,
        help="Days sales outstanding by the countback method: the days of the most recent 30-day periods whose "
        "credit sales the open receivables use up.",
        prefetch="credit_control",
    )
    credit_dso_known = fields.Boolean(
        compute="_compute_credit_aging",
        groups=CREDIT_READ_GROUPS,
        help="False when the open receivables exceed a year of credit sales: the DSO is undefined then.",
        prefetch="credit_control",
    )

    @api.depends_context("company")
    def _compute_credit_aging(self):
        company = self.env.company
        today = fields.Date.context_today(self)
        commercials = self.commercial_partner_id._origin.filtered("id")
        aging = self.env["credit.aging"].sudo()
        totals = aging._get_aging_totals(company, today, partner_ids=commercials.ids) if commercials else {}
        sales = aging._get_sales_by_period(company, today, partner_ids=commercials.ids) if commercials else {}
        names = aging._bucket_names(company._validate_aging_boundaries(company.credit_aging_boundaries, company.name))
        for partner in self:
            commercial_id = partner.commercial_partner_id._origin.id
            amounts = totals.get(commercial_id) or [0.0] * len(names)
            dso = countback_dso(sum(amounts), sales.get(commercial_id, []))
            partner.credit_dso = dso or 0.0
            partner.credit_dso_known = dso is not None
            partner.credit_aging_html = self._credit_aging_table(names, amounts, company.currency_id)

    def _credit_aging_table(self, names, amounts, currency):
        head = Markup("").join(Markup('<th class="text-end">%s</th>') % name for name in names)
        cells = Markup("").join(
            Markup('<td class="text-end">%s</td>') % formatLang(self.env, amount, currency_obj=currency)
            for amount in amounts
        )
        return Markup('<table class="table table-sm o_credit_aging_table"><tr>%s</tr><tr>%s</tr></table>') % (
            head,
            cells,
        )
