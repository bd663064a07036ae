from collections import defaultdict

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL
from odoo.tools.misc import formatLang
from odoo.tools.sql import column_exists, create_column, table_exists


class CreditDocumentMixin(models.AbstractModel):
    """A document the credit rules guard at one checkpoint: the sale order at confirmation
    here, the invoice at posting and the delivery at validation in their packages.

    ``credit.rule._evaluate_documents`` and ``credit.hold`` know documents through these
    methods only, so every door has the same figures, rules and decision record.
    """

    _name = "credit.document.mixin"
    _description = "Credit-Checked Document"

    # the credit.hold field pointing at the document, and the checkpoint code of the hold
    _credit_hold_field = None
    _credit_checkpoint = None
    # ids of the documents that passed the check in the current transaction (cleared at commit)
    _credit_checked_key = None

    # ------------------------------------------------------------------
    # Installing into a company that already has documents
    # ------------------------------------------------------------------

    def _auto_init(self):
        self._credit_init_hold_state_column()
        return super()._auto_init()

    def _credit_init_hold_state_column(self):
        """Create the stored ``credit_hold_state`` column empty before the ORM does: the ORM would
        compute it record by record for every existing document (millions of invoices in a
        company already running Odoo: hours). No document has a hold when the module is
        installed, so empty is what the compute gives."""
        cr = self.env.cr
        if (
            self._abstract
            or "credit_hold_state" not in self._fields
            or not table_exists(cr, self._table)
            or column_exists(cr, self._table, "credit_hold_state")
        ):
            return
        create_column(cr, self._table, "credit_hold_state", "varchar")

    # ------------------------------------------------------------------
    # The document's holds (each model declares credit_hold_ids, credit_hold_count and
    # credit_hold_state with these computes: the inverse field differs per model)
    # ------------------------------------------------------------------

    @api.depends("credit_hold_ids")
    def _compute_credit_hold_count(self):
        for document in self:
            document.credit_hold_count = len(document.credit_hold_ids)

    @api.depends("credit_hold_ids.state")
    def _compute_credit_hold_state(self):
        for document in self:
            document.credit_hold_state = document.credit_hold_ids.sorted("id")[-1:].state or False

    def action_view_credit_holds(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("credit_control.action_credit_hold")
        holds = self.credit_hold_ids
        if len(holds) == 1:
            action.update({"res_id": holds.id, "view_mode": "form", "views": [(False, "form")]})
        else:
            action["domain"] = [(self._credit_hold_field, "=", self.id)]
        action["context"] = {"create": False}
        return action

    # ------------------------------------------------------------------
    # What the engine needs
    # ------------------------------------------------------------------

    def _credit_prefetch(self):
        """Load at once the fields the engine reads (a full row is often ~100 columns)."""

    def _credit_get_partners(self):
        """{document: commercial partner whose credit it uses}."""
        raise NotImplementedError

    def _credit_get_amounts(self):
        """{document: what it adds to its customer's exposure, in company currency}."""
        raise NotImplementedError

    def _credit_get_figure_exclusions(self):
        """Keyword arguments of ``credit.exposure._get_figures`` leaving the documents out of the
        figures (the engine adds each with its own amount, so it counts once)."""
        return {}

    def _credit_get_document_queries(self):
        """[SQL] selecting (document id, jsonb {fact: value}) for documents of ``self``: what the
        documents themselves bring to their check (what was paid online), read only when one of
        them would not pass the rules (``_credit_get_document_facts``)."""
        return []

    def _credit_get_document_facts(self):
        """{document id: {fact: value}} of ``_credit_get_document_queries`` (one statement)."""
        facts = defaultdict(dict)
        for document_id, values in self.env["credit.exposure"]._query_union(self._credit_get_document_queries()):
            facts[document_id].update(values)
        return facts

    def _credit_get_passed(self, amounts, facts=None):
        """The documents let through whatever the rules say: released by a credit manager for at
        least ``amounts``, or checked at an earlier checkpoint within the company's grace days.
        Asked only when a document of ``self`` fails a rule. ``facts``: {document id: {fact:
        value}} of ``_credit_get_document_queries``."""
        return self.env["credit.rule"]._get_released_documents(self, amounts)

    def _credit_paid_online(self, facts):
        """The documents of ``self`` whose transactions paid their whole total, from the
        ``paid_online`` fact of their ``facts`` (``_credit_get_passed``)."""
        paid = {document_id: values["paid_online"] for document_id, values in facts.items() if "paid_online" in values}
        return self.filtered(
            lambda document: (
                document._origin.id in paid
                and document.amount_total > 0
                and document.currency_id.compare_amounts(paid[document._origin.id], document.amount_total) >= 0
            )
        )

    def _credit_get_payment_days(self):
        """{document: days of its payment terms}, for the payment terms rule (None: unknown)."""
        return {}

    def _credit_prepare_hold_values(self, amount):
        """Values of the hold of this document, besides its reasons."""
        raise NotImplementedError

    def _credit_get_pending_hold(self):
        self.ensure_one()
        return self.sudo().credit_hold_ids.filtered(lambda hold: hold.state == "pending")[:1]

    # ------------------------------------------------------------------
    # The door: checked in the transaction, refused where no hold can be left
    # ------------------------------------------------------------------

    def _credit_to_check(self):
        """The documents of ``self`` this door checks (company switch, kinds of documents)."""
        raise NotImplementedError

    def _credit_checked(self):
        checked = self.env.cr.precommit.data.get(self._credit_checked_key, set())
        return self.filtered(lambda document: document.id in checked)

    def _credit_mark_checked(self):
        self.env.cr.precommit.data.setdefault(self._credit_checked_key, set()).update(self.ids)

    def _credit_failure_messages(self, results):
        """One line per failed document: the document and its reasons."""
        messages = []
        for document, failures in results.items():
            if failures:
                reasons = " ".join(failure["message"] for failure in failures)
                messages.append(_("%(order)s: %(reasons)s", order=document.display_name, reasons=reasons))
        return messages

    def _credit_refused_message(self, reasons):
        return _(
            "These documents cannot pass this way: they break the credit rules. Use the button of the "
            "document, which puts it on credit hold for a credit manager to review.\n%(reasons)s",
            reasons=reasons,
        )

    def _credit_ensure_allowed(self):
        """Refuse, with the reasons, a path that cannot leave a document on hold (scripts,
        imports, automatic jobs); the documents that pass are marked checked."""
        if not self:
            return
        warnings = {}
        results = self.env["credit.rule"]._evaluate_documents(self, lock=True, warnings=warnings)
        messages = self._credit_failure_messages(results)
        if messages:
            raise UserError(self._credit_refused_message("\n".join(messages)))
        self._credit_post_warnings(warnings)
        self._credit_mark_checked()

    def _credit_hold_failed(self):
        """Check the documents under lock, hold the failing ones and return them; the
        others are marked checked and get the rules' warnings in their chatter."""
        to_check = self._credit_to_check()
        if not to_check:
            return self.browse()
        warnings = {}
        results = self.env["credit.rule"]._evaluate_documents(to_check, lock=True, warnings=warnings)
        failed = {document: failures for document, failures in results.items() if failures}
        self.browse([document.id for document, failures in results.items() if not failures])._credit_mark_checked()
        self._credit_post_warnings(warnings)
        if not failed:
            return self.browse()
        self.env["credit.hold"]._hold_documents(failed)
        return self.browse([document.id for document in failed])

    def _credit_post_warnings(self, warnings):
        """Rules set to warn only: the document passes, its chatter says why it would not have."""
        for document, failures in warnings.items():
            body = _(
                "Credit warning: %(reasons)s",
                reasons=" ".join(failure["message"] for failure in failures),
            )
            document.sudo().message_post(body=body, subtype_xmlid="mail.mt_note")

    def _credit_hold_notification(self):
        lines = []
        for document in self:
            hold = document._credit_get_pending_hold()
            reasons = "\n".join("- %s" % message for message in hold.reason_ids.mapped("message"))
            lines.append(
                _(
                    "%(order)s is on credit hold %(hold)s; a credit manager has been asked to review it.\n%(reasons)s",
                    order=document.display_name,
                    hold=hold.name,
                    reasons=reasons,
                )
            )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "warning",
                "title": _("Credit hold"),
                "message": "\n\n".join(lines),
                "sticky": True,
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    # ------------------------------------------------------------------
    # What the hold says and does
    # ------------------------------------------------------------------

    def _credit_hold_intro(self, hold, new):
        """First line of the messages of a hold on this document."""
        self.ensure_one()
        checkpoint = hold._get_checkpoint_label()
        if new:
            return _(
                "%(checkpoint)s of %(document)s is on credit hold %(hold)s:",
                checkpoint=checkpoint,
                document=self.display_name,
                hold=hold.name,
            )
        return _(
            "%(checkpoint)s of %(document)s was requested again and stays on credit hold %(hold)s:",
            checkpoint=checkpoint,
            document=self.display_name,
            hold=hold.name,
        )

    def _credit_hold_subtype(self):
        return "mail.mt_note"

    def _credit_decision_subtype(self):
        return "mail.mt_note"

    def _credit_ensure_releasable(self, hold):
        """Raise when the document cannot be let through any more, or changed since the hold."""
        self.ensure_one()
        amount = self._credit_get_amounts()[self]
        currency = self.company_id.currency_id
        if (
            currency.compare_amounts(amount, hold.amount_company) > 0
            or self._credit_get_partners()[self] != hold.partner_id
        ):
            raise UserError(
                _(
                    "%(order)s changed since credit hold %(hold)s was requested (%(before)s, now "
                    "%(after)s): ask the salesperson to confirm it again, so that the hold shows what you release.",
                    order=self.display_name,
                    hold=hold.name,
                    before=formatLang(self.env, hold.amount_company, currency_obj=currency),
                    after=formatLang(self.env, amount, currency_obj=currency),
                )
            )

    def _credit_after_release(self, hold):
        """What a release does to the document (confirm, post); by default only lets it through."""

    # ------------------------------------------------------------------
    # Grace days: a document checked at an earlier checkpoint passes for a while
    # ------------------------------------------------------------------

    @api.model
    def _credit_orders_checked_since(self, orders, since):
        """{order id: amount checked in company currency} of the ``orders`` that passed the
        check at confirmation (or were released) since ``since`` (one query)."""
        if not orders:
            return {}
        self.env["sale.order"].flush_model(["credit_checked_date", "credit_checked_amount"])
        self.env.cr.execute(
            SQL(
                "SELECT id, credit_checked_amount FROM sale_order WHERE id = ANY(%s) AND credit_checked_date >= %s",
                orders.ids,
                since,
            )
        )
        return dict(self.env.cr.fetchall())

    def _credit_grace_start(self, days):
        return fields.Datetime.subtract(fields.Datetime.now(), days=days)
