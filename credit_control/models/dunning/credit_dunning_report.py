from collections import defaultdict

from odoo import api, models


class ReportCreditDunningStatement(models.AbstractModel):
    """The customer's statement of open items attached to a dunning email: one table per
    currency, each item in its own currency, with the dunning level it reached."""

    _name = "report.credit_control.report_credit_dunning_statement"
    _description = "Dunning Statement Report"

    @api.model
    def _get_report_values(self, docids, data=None):
        communications = self.env["credit.dunning.communication"].browse(docids)
        return {
            "doc_ids": docids,
            "doc_model": "credit.dunning.communication",
            "docs": communications,
            "data": data,
            "statement_groups": self._statement_groups(communications),
        }

    @api.model
    def _statement_groups(self, communications):
        """{communication id: [(currency, items, net balance)]}: the customer's open receivable
        items, per currency (sorted by name), each item a dict; unapplied payments and credit
        notes are items too (negative amounts), so the balance is what the customer owes net."""
        exposure = self.env["credit.exposure"]
        move_lines = self.env["account.move.line"].sudo()
        result = {}
        for communication in communications:
            items = move_lines.search(
                exposure._receivable_lines_domain(communication.partner_id, communication.company_id),
                order="date_maturity, id",
            )
            levels = {line.move_line_id.id: line.level_id.name for line in communication._included_lines()}
            groups = defaultdict(list)
            for item in items:
                currency = item.currency_id or communication.company_id.currency_id
                due = item.date_maturity or item.date
                groups[currency].append(
                    {
                        "name": item.move_id.name,
                        "ref": item.move_id.ref or item.move_id.payment_reference or "",
                        "date": item.date,
                        "date_maturity": due,
                        "days_overdue": max((communication.date - due).days, 0) if communication.date else 0,
                        "amount": item.amount_residual_currency if item.currency_id else item.amount_residual,
                        "level": levels.get(item.id, ""),
                    }
                )
            result[communication.id] = [
                (currency, lines, currency.round(sum(line["amount"] for line in lines)))
                for currency, lines in sorted(groups.items(), key=lambda pair: pair[0].name)
            ]
        return result

    @api.model
    def _dunned_groups(self, communications):
        """{communication id: [(currency, lines, total)]}: the dunned items, per currency of
        the items (sorted by name), with the totals the email and the SMS show."""
        result = {}
        for communication in communications:
            groups = defaultdict(lambda: self.env["credit.dunning.line"])
            for line in communication._included_lines():
                groups[line.currency_id or communication.currency_id] |= line
            result[communication.id] = [
                (currency, groups[currency], total) for currency, total in communication._amounts_by_currency()
            ]
        return result


class ReportCreditDunningLetter(models.AbstractModel):
    """The dunning letter: the level's message, the dunned items and the statement."""

    _name = "report.credit_control.report_credit_dunning_letter"
    _inherit = "report.credit_control.report_credit_dunning_statement"
    _description = "Dunning Letter Report"

    @api.model
    def _get_report_values(self, docids, data=None):
        values = super()._get_report_values(docids, data=data)
        values["dunned_groups"] = self._dunned_groups(values["docs"])
        return values
