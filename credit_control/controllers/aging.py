import json

from odoo import _, http
from odoo.exceptions import UserError
from odoo.http import content_disposition, request

from ..models.aging.credit_aging_live import AS_OF_KEY


class CreditAgingController(http.Controller):
    """The XLSX of the live aging as the screen shows it (date, companies, search domain)."""

    @http.route("/credit_control/aging/xlsx", type="http", auth="user", methods=["GET", "POST"], readonly=True)
    def aging_xlsx(self, as_of=None, domain="[]", filters="[]", company_ids=None, **kwargs):
        try:
            domain, filters = json.loads(domain), json.loads(filters)
            company_ids = json.loads(company_ids) if company_ids else None
        except ValueError as error:
            raise UserError(_("The aging export received a malformed request.")) from error
        context = {AS_OF_KEY: as_of or False}
        if company_ids:
            context["allowed_company_ids"] = company_ids
        # env.companies, read by the export, refuses a company the user may not see
        live = request.env["credit.aging.live"].with_context(**context)
        content = live._export_xlsx(domain, filters)
        filename = "%s.xlsx" % _("Receivable Aging %s", live._get_as_of_date())
        return request.make_response(
            content,
            headers=[
                ("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
                ("Content-Disposition", content_disposition(filename)),
            ],
        )
