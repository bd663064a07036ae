from odoo import fields, http
from odoo.exceptions import AccessError, MissingError
from odoo.http import request

from odoo.addons.portal.controllers.portal import CustomerPortal


class CreditStatementPortal(CustomerPortal):
    """The customer's statement page: its open items, aging and payments, pay now per invoice.

    ``/my/credit/statement`` for a signed-in portal user (its own company's statement of today);
    ``/my/credit/statement/<id>?access_token=…`` for the link of a statement email.
    """

    @http.route("/my/credit/statement", type="http", auth="user", website=True)
    def portal_my_credit_statement(self, **kw):
        partner = request.env.user.partner_id.commercial_partner_id
        statement = (
            request.env["credit.collection.statement"]
            .sudo()
            ._get_or_create(partner, request.env.company, fields.Date.context_today(request.env.user))
        )
        return self._render_credit_statement(statement.sudo())

    @http.route("/my/credit/statement/<int:statement_id>", type="http", auth="public", website=True)
    def portal_credit_statement(self, statement_id, access_token=None, **kw):
        try:
            statement = self._document_check_access("credit.collection.statement", statement_id, access_token)
        except (AccessError, MissingError):
            return request.redirect("/my")
        return self._render_credit_statement(statement)

    def _render_credit_statement(self, statement):
        values = self._prepare_portal_layout_values()
        values.update(statement._statement_values())
        values["page_name"] = "credit_statement"
        return request.render("credit_control.portal_credit_statement", values)
