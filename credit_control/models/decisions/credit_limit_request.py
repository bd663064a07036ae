from datetime import timedelta

from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools.misc import formatLang

from ...lib.decisions import (
    KIND_APPLICATION,
    KIND_DECREASE,
    KIND_INCREASE,
    KIND_PAYMENT_TERMS,
    KIND_RELEASE,
    KIND_REVIEW,
    KIND_TEMPORARY,
    LIMIT_KINDS,
    approval_amount,
    check_request_values,
)

REQUEST_KINDS = [
    (KIND_APPLICATION, "First credit (application)"),
    (KIND_INCREASE, "Limit increase"),
    (KIND_DECREASE, "Limit decrease"),
    (KIND_TEMPORARY, "Temporary increase"),
    (KIND_PAYMENT_TERMS, "Payment terms change"),
    (KIND_RELEASE, "Hold release above authority"),
    (KIND_REVIEW, "Periodic credit review"),
]
REQUEST_STATES = [
    ("draft", "Draft"),
    ("to_approve", "To Approve"),
    ("approved", "Approved"),
    ("rejected", "Rejected"),
    ("cancel", "Cancelled"),
]
REQUEST_ORIGINS = [
    ("manual", "Credit tab"),
    ("hold", "Held order"),
    ("review", "Credit review"),
]
CREDIT_READ = "credit_control.group_credit_user"
# the figures a request freezes when it is created and submitted
FROZEN_FIELDS = [
    "current_limit",
    "current_temp_increase",
    "current_temp_expiry",
    "current_payment_term_id",
    "exposure",
    "overdue",
    "oldest_overdue_date",
    "score",
    "grade",
    "suggested_limit",
    "dso",
    "dso_known",
    "registry_status",
    "volume_12m",
]


class CreditLimitRequest(models.Model):
    """A request to change a customer's credit, decided through tiers of reviewers.

    It freezes the figures it is decided on, so that the decision can be read later with
    what the reviewers saw. Approved by every tier, it applies itself (limit, temporary
    increase, payment terms or hold release) and re-checks the held order it came from.
    """

    _name = "credit.limit.request"
    _description = "Credit Limit Request"
    _inherit = ["mail.thread", "mail.activity.mixin", "tier.validation"]
    _order = "id desc"
    _check_company_auto = True

    # tier.validation: the form places the approve / reject buttons and the reviews itself
    # (views/decisions); the request waits in to_approve and is applied when validated
    _tier_validation_manual_config = True
    _state_field = "state"
    _state_from = ["draft", "to_approve"]
    _state_to = ["approved"]
    _cancel_state = "cancel"

    name = fields.Char(string="Reference", required=True, readonly=True, copy=False, default="/")
    kind = fields.Selection(REQUEST_KINDS, required=True, default=KIND_INCREASE, tracking=True)
    state = fields.Selection(
        REQUEST_STATES, default="draft", required=True, readonly=True, copy=False, index=True, tracking=True
    )
    origin = fields.Selection(REQUEST_ORIGINS, default="manual", required=True, readonly=True)
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        tracking=True,
        domain="[('parent_id', '=', False)]",
        help="The commercial entity whose credit is decided.",
    )
    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, index=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id", string="Company Currency")
    requested_by_id = fields.Many2one("res.users", readonly=True, default=lambda self: self.env.user, index=True)
    user_id = fields.Many2one(related="partner_id.user_id", string="Salesperson", store=True, index=True)
    request_date = fields.Datetime(string="Submitted On", readonly=True, copy=False)
    hold_id = fields.Many2one("credit.hold", string="Credit Hold", readonly=True, index=True, ondelete="set null")
    order_id = fields.Many2one(related="hold_id.order_id", string="Held Order", store=True)
    justification = fields.Text(tracking=True, help="Why the customer deserves this credit.")
    attachment_ids = fields.Many2many(
        "ir.attachment",
        string="Documents",
        help="Financial statements, contracts, guarantees the decision rests on.",
    )

    # what is asked
    requested_limit = fields.Monetary(currency_field="currency_id", tracking=True)
    temp_increase = fields.Monetary(string="Temporary Increase", currency_field="currency_id", tracking=True)
    temp_expiry = fields.Date(string="Increase Expires On", tracking=True)
    payment_term_id = fields.Many2one("account.payment.term", string="New Payment Terms", tracking=True)
    valid_until = fields.Date(
        string="Limit Valid Until", tracking=True, help="Optional validity date of the new limit."
    )
    approval_amount = fields.Monetary(
        compute="_compute_approval_amount",
        store=True,
        currency_field="currency_id",
        help="The amount the tiers judge: the new limit of a first credit, the increase, the temporary increase "
        "or the excess released; 0 for decreases and payment terms.",
    )

    # the figures it was decided on (company currency), frozen at creation and submission
    current_limit = fields.Monetary(string="Limit Before", currency_field="currency_id", readonly=True)
    current_temp_increase = fields.Monetary(
        string="Temporary Increase Before", currency_field="currency_id", readonly=True
    )
    current_temp_expiry = fields.Date(string="Increase Expiry Before", readonly=True)
    current_payment_term_id = fields.Many2one("account.payment.term", string="Payment Terms Before", readonly=True)
    exposure = fields.Monetary(currency_field="currency_id", readonly=True, groups=CREDIT_READ)
    overdue = fields.Monetary(currency_field="currency_id", readonly=True, groups=CREDIT_READ)
    oldest_overdue_date = fields.Date(string="Oldest Overdue Due Date", readonly=True, groups=CREDIT_READ)
    score = fields.Float(readonly=True, digits=(16, 1), groups=CREDIT_READ)
    grade = fields.Char(readonly=True, index=True)
    suggested_limit = fields.Monetary(currency_field="currency_id", readonly=True, groups=CREDIT_READ)
    dso = fields.Float(string="DSO (Days)", readonly=True, digits=(16, 1), groups=CREDIT_READ)
    dso_known = fields.Boolean(string="DSO Known", readonly=True, groups=CREDIT_READ)
    registry_status = fields.Char(readonly=True, groups=CREDIT_READ)
    volume_12m = fields.Monetary(
        string="Sales (12 Months)",
        currency_field="currency_id",
        readonly=True,
        groups=CREDIT_READ,
        help="Invoiced to the customer in the last 12 months, net of refunds, untaxed.",
    )
    figures_date = fields.Datetime(string="Figures As Of", readonly=True, copy=False)

    # the decision
    decided_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    decision_date = fields.Datetime(string="Decided On", readonly=True, copy=False)

    @api.depends("kind", "requested_limit", "current_limit", "temp_increase", "hold_id")
    def _compute_approval_amount(self):
        for request in self:
            request.approval_amount = approval_amount(
                request.kind,
                request.current_limit,
                request.requested_limit,
                request.temp_increase,
                request.hold_id._credit_limit_excess() if request.hold_id else 0.0,
            )

    # ------------------------------------------------------------------
    # Constraints and CRUD
    # ------------------------------------------------------------------

    @api.constrains("partner_id", "company_id")
    def _check_partner_is_commercial(self):
        for request in self:
            if request.partner_id != request.partner_id.commercial_partner_id:
                raise ValidationError(
                    _(
                        "Credit is requested for the company %(company)s, not for its contact %(contact)s.",
                        company=request.partner_id.commercial_partner_id.display_name,
                        contact=request.partner_id.display_name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                vals["name"] = (
                    self.env["ir.sequence"]
                    .with_company(vals.get("company_id") or self.env.company.id)
                    .next_by_code("credit.limit.request")
                    or "/"
                )
        requests = super().create(vals_list)
        requests._freeze_figures()
        return requests

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_submit(self):
        """Send the requests to their tiers; a request no tier applies to is approved at once."""
        for request in self:
            if request.state != "draft":
                raise UserError(_("Only draft requests can be submitted: %s is not.", request.name))
            request._check_request_values()
            if not (request.justification or "").strip() and request.origin != "review":
                raise UserError(_("Give the justification of credit request %s.", request.name))
        self._freeze_figures()
        self.write({"state": "to_approve", "request_date": fields.Datetime.now()})
        for request in self:
            reviews = request.request_validation() if request.need_validation else self.env["tier.review"]
            if not reviews:
                request._approve()
        self._credit_sync_review_statuses()
        return True

    def action_cancel(self):
        for request in self:
            if request.state not in ("draft", "to_approve"):
                raise UserError(_("Request %s was already decided.", request.name))
            if request.requested_by_id != self.env.user and not self.env.user.has_group(
                "credit_control.group_credit_manager"
            ):
                raise AccessError(_("Only its requester or a credit manager can cancel request %s.", request.name))
        self.with_context(skip_validation_check=True).write({"state": "cancel"})
        return True

    def action_draft(self):
        """Back to draft after a rejection or cancellation: the reviews start again on submission."""
        for request in self:
            if request.state not in ("rejected", "cancel"):
                raise UserError(_("Only rejected or cancelled requests go back to draft."))
        self.restart_validation()
        self.with_context(skip_validation_check=True).write({"state": "draft", "decided_by_id": False})
        return True

    def action_view_hold(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "credit.hold",
            "res_id": self.hold_id.id,
            "view_mode": "form",
        }

    # ------------------------------------------------------------------
    # Tier validation
    # ------------------------------------------------------------------

    def validate_tier(self):
        self._ensure_current_reviewer()
        return super().validate_tier()

    def reject_tier(self):
        self._ensure_current_reviewer()
        return super().reject_tier()

    def _ensure_current_reviewer(self):
        """A reviewer acts on the tier waiting now, never on another tier's turn."""
        self.ensure_one()
        if self.state != "to_approve":
            raise UserError(_("Request %s is not waiting for approval.", self.name))
        if not self.can_review:
            waiting = self.review_ids.filtered(lambda review: review.status == "pending").sorted("sequence")[:1]
            raise AccessError(
                _(
                    "You cannot decide request %(request)s now: it waits for %(tier)s (%(reviewers)s).",
                    request=self.name,
                    tier=waiting.name or _("no tier"),
                    reviewers=waiting.todo_by or "-",
                )
            )

    def _validate_tier(self, tiers=False):
        result = super()._validate_tier(tiers)
        if self.state == "to_approve" and self.validation_status == "validated":
            self._approve()
        return result

    def _rejected_tier(self, tiers=False):
        result = super()._rejected_tier(tiers)
        if self.state == "to_approve" and self.validation_status == "rejected":
            self._reject()
        return result

    @api.model
    def _update_counter(self, review_counter):
        result = super()._update_counter(review_counter)
        self._credit_sync_review_statuses()
        return result

    def _credit_sync_review_statuses(self):
        """Exactly the first open tier is pending, the later ones wait: the engine sets statuses
        while computing ``can_review``, on whatever reviews the ORM computes together."""
        for request in self:
            open_reviews = request.review_ids.filtered(lambda review: review.status in ("waiting", "pending"))
            if not open_reviews:
                continue
            first = min(open_reviews.mapped("sequence"))
            current = open_reviews.filtered(lambda review, first=first: review.sequence == first)
            later = (open_reviews - current).filtered(
                lambda review: review.approve_sequence and review.status == "pending"
            )
            later.write({"status": "waiting"})
            newly = current.filtered(lambda review: review.status == "waiting")
            if newly:
                newly.write({"status": "pending"})
                to_notify = newly.filtered("definition_id.notify_on_pending")
                if to_notify:
                    request._notify_review_available(to_notify)
            for review in open_reviews:
                review.can_review = review._can_review_value()

    @api.model
    def _get_under_validation_exceptions(self):
        return super()._get_under_validation_exceptions() + [
            "state",
            "decided_by_id",
            "decision_date",
            "request_date",
            "figures_date",
            *FROZEN_FIELDS,
        ]

    @api.model
    def _get_after_validation_exceptions(self):
        return super()._get_after_validation_exceptions() + ["state", "decided_by_id", "decision_date"]

    def _get_to_validate_message_name(self):
        return _("Credit Limit Request")

    # ------------------------------------------------------------------
    # Decision
    # ------------------------------------------------------------------

    def _approve(self):
        """Every tier approved: apply the request, tell the requester, re-check the held order."""
        self.ensure_one()
        self.with_context(skip_validation_check=True).sudo().write(
            {"state": "approved", "decided_by_id": self.env.uid, "decision_date": fields.Datetime.now()}
        )
        self._apply()
        if self.kind in LIMIT_KINDS:
            self.partner_id._credit_schedule_reviews(self.company_id, fields.Date.context_today(self))
        self._notify_requester(approved=True)
        if self.hold_id and self.kind != KIND_RELEASE:
            self._recheck_hold()
        # the customer's other pending holds, with this request as the reason
        self.partner_id.with_company(self.company_id)._credit_reevaluate_holds(
            _("credit request %s approved", self.name)
        )

    def _reject(self):
        self.ensure_one()
        self.with_context(skip_validation_check=True).sudo().write(
            {"state": "rejected", "decided_by_id": self.env.uid, "decision_date": fields.Datetime.now()}
        )
        if self.kind == KIND_REVIEW:
            # the review took place: the limit stays, the next one follows the grade
            self.partner_id._credit_schedule_reviews(self.company_id, fields.Date.context_today(self))
        self._notify_requester(approved=False)

    def _apply(self):
        """Write what was approved on the customer (tracked), as the approver, through the one
        door the locked-limit setting leaves open."""
        self.ensure_one()
        partner = (
            self.partner_id.with_company(self.company_id)
            .with_context(credit_limit_request_apply=self.id, credit_defer_reevaluation=True)
            .sudo()
        )
        vals = self._prepare_partner_values()
        if vals:
            partner.write(vals)
        if self.kind == KIND_RELEASE:
            self.hold_id.with_context(credit_release_approved=self.id).sudo()._release(
                _("Release approved through request %s", self.name)
            )
        partner.message_post(
            body=Markup("<p>%s</p>")
            % _(
                "Credit request %(request)s approved: %(what)s.",
                request=self.name,
                what=self._describe(),
            ),
            subtype_xmlid="mail.mt_note",
        )

    def _prepare_partner_values(self):
        self.ensure_one()
        if self.kind in LIMIT_KINDS:
            return {"credit_limit": self.requested_limit, "credit_limit_valid_until": self.valid_until}
        if self.kind == KIND_TEMPORARY:
            return {"credit_limit_temp_increase": self.temp_increase, "credit_limit_temp_expiry": self.temp_expiry}
        if self.kind == KIND_PAYMENT_TERMS:
            return {"property_payment_term_id": self.payment_term_id.id}
        return {}

    def _describe(self):
        """What the request changes, in words."""
        self.ensure_one()
        if self.kind in LIMIT_KINDS:
            return _(
                "credit limit %(before)s → %(after)s",
                before=self._format(self.current_limit),
                after=self._format(self.requested_limit),
            )
        if self.kind == KIND_TEMPORARY:
            return _(
                "temporary increase of %(amount)s until %(date)s",
                amount=self._format(self.temp_increase),
                date=fields.Date.to_string(self.temp_expiry),
            )
        if self.kind == KIND_PAYMENT_TERMS:
            return _(
                "payment terms %(before)s → %(after)s",
                before=self.current_payment_term_id.display_name or _("none"),
                after=self.payment_term_id.display_name or _("none"),
            )
        return _("release of credit hold %s", self.hold_id.name)

    def _format(self, amount):
        return formatLang(self.env, amount or 0.0, currency_obj=self.currency_id)

    def _notify_requester(self, approved):
        self.ensure_one()
        requester = self.requested_by_id
        decision = _("approved") if approved else _("rejected")
        body = Markup("<p>%s</p>") % _(
            "Your credit request %(request)s for %(customer)s was %(decision)s by %(user)s: %(what)s.",
            request=self.name,
            customer=self.partner_id.display_name,
            decision=decision,
            user=self.env.user.name,
            what=self._describe(),
        )
        comments = self.review_ids.filtered("comment")
        if comments:
            items = Markup("").join(
                Markup("<li>%s (%s): %s</li>") % (review.name, review.done_by.name or "", review.comment)
                for review in comments.sorted("sequence")
            )
            body += Markup("<ul>%s</ul>") % items
        self.sudo().message_post(
            body=body,
            subtype_xmlid="mail.mt_comment",
            partner_ids=requester.partner_id.ids
            if requester and requester != self.env.user and not requester._is_superuser()
            else [],
        )

    def _recheck_hold(self):
        """The held document of an approved request is checked again; it is let through (an order
        confirmed, an invoice posted) if it passes now. The new limit may already have released
        it (holds are checked again when a limit is raised)."""
        self.ensure_one()
        hold = self.hold_id.sudo()
        if hold.state != "pending":
            return hold.state == "released"
        document = hold._get_document()
        failures = self.env["credit.rule"].sudo()._evaluate_documents(document)[document]
        if failures:
            body = Markup("<p>%s</p>") % _(
                "%(order)s still does not pass after request %(request)s:",
                order=document.display_name,
                request=self.name,
            ) + Markup("<ul>%s</ul>") % Markup("").join(Markup("<li>%s</li>") % f["message"] for f in failures)
            self.message_post(body=body, subtype_xmlid="mail.mt_note")
            hold.message_post(body=body, subtype_xmlid="mail.mt_note")
            return False
        hold.with_context(credit_release_approved=self.id)._release(
            _("Credit request %s approved: the order passes the credit check now", self.name)
        )
        return True

    # ------------------------------------------------------------------
    # Figures
    # ------------------------------------------------------------------

    def _check_request_values(self):
        today = fields.Date.context_today(self)
        messages = {
            "negative": _("The requested limit cannot be negative."),
            "not_higher": _("An increase must ask for more than the current limit."),
            "not_lower": _("A decrease must ask for less than the current limit."),
            "no_amount": _("Give the amount requested."),
            "expiry": _("A temporary increase needs an expiry date that is not past."),
        }
        for request in self:
            if request.kind == KIND_PAYMENT_TERMS and not request.payment_term_id:
                raise ValidationError(_("Choose the new payment terms of request %s.", request.name))
            if request.kind == KIND_RELEASE and not request.hold_id:
                raise ValidationError(_("A release request needs its credit hold."))
            error = check_request_values(
                request.kind,
                request.current_limit,
                request.requested_limit,
                request.temp_increase,
                request.temp_expiry,
                today,
            )
            if error:
                raise ValidationError(_("%(error)s (%(request)s)", error=messages[error], request=request.name))

    def _freeze_figures(self):
        """Write the customers' figures of today on the requests: a fixed number of queries per
        company for all the requests."""
        today = fields.Date.context_today(self)
        now = fields.Datetime.now()
        for company, requests in self.grouped("company_id").items():
            partners = requests.partner_id.with_company(company).sudo()
            values = self._get_decision_figures(partners, company, today)
            for request in requests:
                request.with_context(skip_validation_check=True).sudo().write(
                    dict(values.get(request.partner_id.id, {}), figures_date=now)
                )

    @api.model
    def _get_decision_figures(self, partners, company, today):
        """{partner id: {frozen field: value}} for ``partners`` (commercial, with_company) in ``company``."""
        figures = self.env["credit.exposure"].sudo()._get_figures(partners, company, today=today)
        volumes = self._get_sales_volumes(partners, company, today)
        has_score = "credit_grade" in partners._fields
        has_dso = "credit_dso" in partners._fields
        has_registry = "credit_registry_status" in partners._fields
        result = {}
        for partner in partners:
            figure = figures.get(partner.id)
            vals = {
                "current_limit": partner.credit_limit,
                "current_temp_increase": partner.credit_limit_temp_increase,
                "current_temp_expiry": partner.credit_limit_temp_expiry,
                "current_payment_term_id": partner.property_payment_term_id.id,
                "exposure": figure.exposure if figure else 0.0,
                "overdue": figure.overdue if figure else 0.0,
                "oldest_overdue_date": figure.oldest_overdue_date if figure else False,
                "volume_12m": volumes.get(partner.id, 0.0),
            }
            if has_score:
                vals.update(
                    score=partner.credit_score,
                    grade=partner.credit_grade,
                    suggested_limit=partner.credit_suggested_limit,
                )
            if has_dso:
                vals.update(dso=partner.credit_dso, dso_known=partner.credit_dso_known)
            if has_registry:
                status = partner.credit_registry_status
                labels = dict(partner._fields["credit_registry_status"]._description_selection(self.env))
                vals["registry_status"] = labels.get(status, status) if status else False
            result[partner.id] = vals
        return result

    @api.model
    def _get_sales_volumes(self, partners, company, today):
        """{commercial partner id: untaxed amount invoiced in the last 12 months net of refunds}, one query."""
        groups = (
            self.env["account.move"]
            .sudo()
            ._read_group(
                [
                    ("company_id", "=", company.id),
                    ("state", "=", "posted"),
                    ("move_type", "in", ("out_invoice", "out_refund")),
                    ("commercial_partner_id", "in", partners.ids),
                    ("invoice_date", ">", today - timedelta(days=365)),
                ],
                ["commercial_partner_id"],
                ["amount_untaxed_signed:sum"],
            )
        )
        return {partner.id: amount for partner, amount in groups}

    # ------------------------------------------------------------------
    # Periodic reviews
    # ------------------------------------------------------------------

    @api.model
    def _cron_credit_reviews(self, batch_size=500):
        """Daily: review dates for customers with credit that have none, reminders of limits
        reaching their validity date, and a review request (with an activity for each credit
        manager) for every customer whose review date has come. A batch per company and call;
        ``_notify_progress`` makes Odoo call again until done."""
        today = fields.Date.context_today(self)
        remaining = 0
        for company in self.env["res.company"].search([("credit_review_enabled", "=", True)]):
            partners = self.env["res.partner"].with_company(company).sudo()
            with_credit = [("parent_id", "=", False), ("credit_limit", ">", 0)]
            partners.search(
                with_credit + [("credit_review_date", "=", False)], limit=batch_size
            )._credit_schedule_reviews(company, today)
            self._raise_validity_reminders(company, today)
            open_ids = (
                self.sudo()
                .search(
                    [
                        ("company_id", "=", company.id),
                        ("kind", "=", KIND_REVIEW),
                        ("state", "in", ("draft", "to_approve")),
                    ]
                )
                .partner_id.ids
            )
            due_domain = with_credit + [("credit_review_date", "<=", today), ("id", "not in", open_ids)]
            due = partners.search(due_domain, limit=batch_size, order="id")
            self.sudo()._create_review_requests(due, company)
            remaining += partners.search_count(due_domain)
        self.env["ir.cron"]._notify_progress(done=0, remaining=remaining)
        return remaining

    @api.model
    def _create_review_requests(self, partners, company):
        """Review requests prefilled with today's figures, each with an activity for the credit managers."""
        if not partners:
            return self.browse()
        vals_list = []
        for partner in partners:
            vals_list.append(
                self.with_company(company)._prepare_request_values(
                    partner,
                    KIND_REVIEW,
                    company_id=company.id,
                    origin="review",
                    requested_limit=partner.credit_limit,
                    requested_by_id=self.env.ref("base.user_root").id,
                )
            )
        requests = self.with_company(company).with_context(mail_create_nolog=True).create(vals_list)
        managers = company._get_credit_managers()
        for request in requests:
            for manager in managers:
                request.with_context(lang=manager.lang).activity_schedule(
                    "credit_control.mail_activity_type_credit_review",
                    user_id=manager.id,
                    summary=request.with_context(lang=manager.lang)._review_summary(),
                )
        return requests

    def _review_summary(self):
        return _("Credit review of %s", self.partner_id.display_name)

    @api.model
    def _raise_validity_reminders(self, company, today):
        """One alert per limit whose validity date is within 30 days (its key is the date)."""
        partners = (
            self.env["res.partner"]
            .with_company(company)
            .sudo()
            .search(
                [
                    ("parent_id", "=", False),
                    ("credit_limit", ">", 0),
                    ("credit_limit_valid_until", ">=", today),
                    ("credit_limit_valid_until", "<=", today + timedelta(days=30)),
                ]
            )
        )
        vals_list = []
        for partner in partners:
            valid_until = partner.credit_limit_valid_until
            vals_list.append(
                {
                    "partner_id": partner.id,
                    "company_id": company.id,
                    "alert_type": "limit_validity",
                    "event_key": "validity:%s" % fields.Date.to_string(valid_until),
                    "message": lambda env, partner=partner, valid_until=valid_until: env._(
                        "The credit limit of %(partner)s (%(limit)s) is valid until %(date)s: review it before then.",
                        partner=partner.display_name,
                        limit=formatLang(env, partner.credit_limit, currency_obj=company.currency_id),
                        date=fields.Date.to_string(valid_until),
                    ),
                }
            )
        return self.env["credit.alert"].sudo()._raise_alerts(vals_list)

    @api.model
    def _prepare_request_values(self, partner, kind, **values):
        """Values of a new request for ``partner`` (commercial) in the current company."""
        return dict(
            {
                "partner_id": partner.commercial_partner_id.id,
                "company_id": self.env.company.id,
                "kind": kind,
            },
            **values,
        )
