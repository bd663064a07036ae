import logging

from markupsafe import Markup, escape

from odoo import _, api, fields, models
from odoo.tools import SQL, split_every
from odoo.tools.misc import formatLang

from ...lib.scoring import FactorResult, grade_index, limit_cut_due, normalise_weights, paying_later, score_of

_logger = logging.getLogger(__name__)

SCORING_BATCH_SIZE = 2000
# The job channel of the scoring batches (credit_control_queue).
SCORING_CHANNEL = "root.credit_control.scoring"
# A new history row is written when the score moves by at least this much (or the grade, the
# suggested limit or the exposure warning changes): age-based factors drift a little every day.
SCORE_CHANGE_MIN = 0.5


class CreditScore(models.Model):
    """A customer's score on a date: score, grade, suggested limit and the factor table.

    A row is written only when something a user sees changes (score, grade, suggested
    limit, exposure warning); the current row is flagged, so "the grade on date X" is the
    last row dated on or before X.
    """

    _name = "credit.score"
    _description = "Credit Score"
    _order = "date desc, id desc"
    _check_company_auto = True

    partner_id = fields.Many2one("res.partner", string="Customer", required=True, readonly=True, ondelete="cascade")
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    scorecard_id = fields.Many2one("credit.scorecard", readonly=True, ondelete="set null")
    date = fields.Date(required=True, readonly=True, index=True)
    checked_date = fields.Date(string="Last Computed", readonly=True, help="Last day the score was computed unchanged.")
    score = fields.Float(readonly=True, digits=(16, 1), aggregator="avg")
    grade_id = fields.Many2one("credit.scorecard.grade", string="Scorecard Grade", readonly=True, ondelete="set null")
    grade = fields.Char(readonly=True, index=True)
    grade_min_score = fields.Float(readonly=True)
    suggested_limit = fields.Monetary(readonly=True, currency_field="currency_id")
    credit_limit = fields.Monetary(
        string="Limit at Scoring", readonly=True, currency_field="currency_id", aggregator=None
    )
    exposure = fields.Monetary(readonly=True, currency_field="currency_id")
    exposure_over = fields.Boolean(string="Exposure Warning", readonly=True)
    avg_days_late = fields.Float(readonly=True, digits=(16, 1), aggregator="avg")
    factor_values = fields.Json(readonly=True)
    explanation_html = fields.Html(compute="_compute_explanation_html", string="Explanation", sanitize=False)
    is_current = fields.Boolean(readonly=True, default=True)

    def init(self):
        self.env.cr.execute(
            """
            CREATE UNIQUE INDEX IF NOT EXISTS credit_score_current_uniq
                ON credit_score (partner_id, company_id) WHERE is_current
            """
        )
        self.env.cr.execute(
            "CREATE INDEX IF NOT EXISTS credit_score_partner_date_idx ON credit_score (partner_id, company_id, date)"
        )

    @api.depends("factor_values")
    def _compute_explanation_html(self):
        for score in self:
            score.explanation_html = score._explanation_table()

    def _explanation_table(self):
        """The factor table: raw value, points, weight and contribution of each factor."""
        if not self.factor_values:
            return False
        labels = dict(self.env["credit.scorecard.factor"]._fields["factor_type"]._description_selection(self.env))
        rows = Markup("").join(
            Markup(
                "<tr><td>%s</td><td class='text-end'>%s</td><td class='text-end'>%s</td>"
                "<td class='text-end'>%s</td><td class='text-end'>%s</td></tr>"
            )
            % (
                labels.get(line["code"], line["code"]),
                _("unknown (neutral)") if line.get("neutral") else self._format_raw(line["code"], line["raw"]),
                "%.1f" % line["points"],
                "%.1f%%" % (line["weight"] * 100.0),
                "%.1f" % (line["points"] * line["weight"]),
            )
            for line in self.factor_values
        )
        header = Markup(
            "<table class='table table-sm o_credit_score_explanation'><thead><tr>"
            "<th>%s</th><th class='text-end'>%s</th><th class='text-end'>%s</th>"
            "<th class='text-end'>%s</th><th class='text-end'>%s</th></tr></thead><tbody>"
        ) % (_("Factor"), _("Value"), _("Points"), _("Weight"), _("Contribution"))
        footer = Markup(
            "</tbody><tfoot><tr><th colspan='4'>%s</th><th class='text-end'>%s</th></tr></tfoot></table>"
        ) % (
            escape(_("Score (grade %(grade)s)", grade=self.grade or "")),
            "%.1f" % self.score,
        )
        return header + rows + footer

    def _format_raw(self, code, raw):
        if raw is None:
            return ""
        if code == "volume_12m":
            return formatLang(self.env, raw, currency_obj=self.company_id.currency_id)
        if code in ("on_time_ratio", "overdue_ratio"):
            return "%.1f%%" % raw
        if code in self.env["credit.scorecard.factor"]._get_count_factor_types():
            return "%d" % raw
        return "%.1f" % raw

    # ------------------------------------------------------------------
    # History
    # ------------------------------------------------------------------

    @api.model
    def _score_on(self, partner, company, on_date):
        """The score row in force on ``on_date``: the last one dated on or before it."""
        return self.search(
            [
                ("partner_id", "=", partner.commercial_partner_id.id),
                ("company_id", "=", company.id),
                ("date", "<=", on_date),
            ],
            order="date desc, id desc",
            limit=1,
        )

    @api.model
    def _current_grades(self, partner_ids, company):
        """{commercial partner id: (grade, grade policy, score)} now, in one light query for the
        confirmation path."""
        return {
            partner_id: (row["grade"], row["policy"], row["score"])
            for partner_id, row in self._current_grade_facts(partner_ids, company).items()
        }

    @api.model
    def _current_grade_facts(self, partner_ids, company):
        """{commercial partner id: {grade, grade_id, policy, score, max_payment_days}} now (one query)."""
        if not partner_ids:
            return {}
        self.env.cr.execute(self._current_grade_sql(partner_ids, company))
        return {
            partner_id: {
                "grade": grade,
                "grade_id": grade_id,
                "policy": policy,
                "score": score,
                "max_payment_days": max_days or 0,
            }
            for partner_id, grade, grade_id, policy, score, max_days in self.env.cr.fetchall()
        }

    @api.model
    def _current_grade_sql(self, partner_ids, company):
        """The current (partner, grade, grade id, policy, score, max payment days) rows."""
        self.flush_model(["partner_id", "grade", "grade_id", "score", "company_id", "is_current"])
        self.env["credit.scorecard.grade"].flush_model(["policy", "max_payment_days"])
        return SQL(
            """
            SELECT s.partner_id, s.grade, g.id, g.policy, s.score, g.max_payment_days
              FROM credit_score s
              JOIN credit_scorecard_grade g ON g.id = s.grade_id
             WHERE s.partner_id = ANY(%s) AND s.company_id = %s AND s.is_current
            """,
            list(partner_ids),
            company.id,
        )

    @api.model
    def _current_scores(self, partner_ids, company):
        """{commercial partner id: current score row} in ``company``, in one query."""
        scores = self.sudo().search(
            [("partner_id", "in", list(partner_ids)), ("company_id", "=", company.id), ("is_current", "=", True)]
        )
        return {score.partner_id.id: score for score in scores}

    # ------------------------------------------------------------------
    # Batch scoring
    # ------------------------------------------------------------------

    @api.model
    def _cron_compute_scores(self):
        """Daily: score every customer with activity, one batch per call.

        Customers already scored today are skipped, so the cron reports its progress and Odoo
        calls it again (committing in between) until every company is done; a crash loses one
        batch at most.
        """
        batches = self.env["credit.batch"]
        in_jobs = batches._credit_jobs_enabled()
        remaining = 0
        done = 0
        for company in self.env["res.company"].sudo().search([("active", "=", True)]):
            today = fields.Date.context_today(self)
            pending = self.with_company(company)._pending_partner_ids(company, today)
            handled = 0
            if pending and (in_jobs or not done):
                handled = batches._credit_run_batches(
                    self.env["res.partner"].browse(pending),
                    "_credit_score_batch",
                    SCORING_BATCH_SIZE,
                    SCORING_CHANNEL,
                    args=(company, today),
                    max_batches=None if in_jobs else 1,
                )
                done += handled
            remaining += len(pending) - handled
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)

    @api.model
    def _pending_partner_ids(self, company, today):
        """Customers with activity not scored yet today."""
        active_ids = self.env["credit.score.figures"]._active_partner_ids(company, today)
        self.env.cr.execute(
            SQL(
                """
            SELECT partner_id FROM credit_score
             WHERE company_id = %s AND is_current AND checked_date >= %s
            """,
                company.id,
                today,
            )
        )
        scored = {row[0] for row in self.env.cr.fetchall()}
        return [partner_id for partner_id in active_ids if partner_id not in scored]

    @api.model
    def _run_scoring(self, company, partners=None, scorecard=None, today=None):
        """Score ``partners`` (default: every customer with activity) of ``company``.

        Batches of SCORING_BATCH_SIZE customers, a fixed number of queries each. Returns the
        number of customers scored.
        """
        scores = self.sudo().with_company(company)
        today = today or fields.Date.context_today(scores)
        scorecard = scorecard or scores.env["credit.scorecard"]._get_default(company)
        if partners is None:
            partner_ids = scores.env["credit.score.figures"]._active_partner_ids(company, today)
        else:
            partner_ids = sorted(set(partners.commercial_partner_id.ids))
        for batch in split_every(SCORING_BATCH_SIZE, partner_ids):
            scores._score_batch(scores.env["res.partner"].browse(batch), company, scorecard, today)
            scores.env.invalidate_all()  # keep memory flat over 100k customers
        _logger.info("credit_control: scored %s customers of %s", len(partner_ids), company.name)
        return len(partner_ids)

    def _score_batch(self, partners, company, scorecard, today):
        raw_values, figures = self.env["credit.score.figures"]._get_raw_values(partners, company, today)
        factors = scorecard.factor_ids
        weights = normalise_weights(factors.mapped("weight"))
        grades = scorecard.grade_ids.sorted("min_score")
        min_scores = grades.mapped("min_score")
        previous = self._current_scores(raw_values, company)
        exposure_percent = company.credit_alert_exposure_percent
        new_vals, unchanged_ids = [], []
        for partner in partners.with_company(company):
            partner_id = partner.id
            values = raw_values[partner_id]
            results = []
            for factor, weight in zip(factors, weights, strict=True):
                raw = values.get(factor.factor_type)
                points, neutral = factor._points(raw)
                results.append(FactorResult(factor.factor_type, raw, points, weight, neutral))
            score = score_of(results)
            grade = grades[grade_index(score, min_scores)]
            figure = figures[partner_id]
            limit = partner.credit_limit
            vals = {
                "partner_id": partner_id,
                "company_id": company.id,
                "scorecard_id": scorecard.id,
                "date": today,
                "checked_date": today,
                "score": score,
                "grade_id": grade.id,
                "grade": grade.name,
                "grade_min_score": grade.min_score,
                "suggested_limit": grade._suggested_limit(values["volume_12m"]),
                "credit_limit": limit,
                "exposure": figure.exposure,
                "exposure_over": bool(limit > 0 and figure.exposure >= limit * exposure_percent / 100.0),
                "avg_days_late": values["avg_days_late"] or 0.0,
                "factor_values": [
                    {
                        "code": result.code,
                        "raw": result.raw,
                        "points": result.points,
                        "weight": result.weight,
                        "neutral": result.neutral,
                    }
                    for result in results
                ],
            }
            before = previous.get(partner_id)
            if before and not self._changed(before, vals):
                unchanged_ids.append(before.id)
                continue
            new_vals.append(vals)
        # the day each customer was last scored
        self._mark_checked(unchanged_ids, today)
        if previous:
            replaced = [previous[vals["partner_id"]].id for vals in new_vals if vals["partner_id"] in previous]
            self._retire(replaced)
        new_scores = self.create(new_vals)
        new_scores._apply_consequences(previous, raw_values, figures, today)
        return new_scores

    @staticmethod
    def _changed(before, vals):
        """Whether the new figures differ from the current row in something a user sees."""
        return (
            abs(before.score - vals["score"]) >= SCORE_CHANGE_MIN
            or before.grade_id.id != vals["grade_id"]
            or before.company_id.currency_id.compare_amounts(before.suggested_limit, vals["suggested_limit"]) != 0
            or before.exposure_over != vals["exposure_over"]
        )

    def _mark_checked(self, score_ids, today):
        if score_ids:
            self.env.cr.execute(SQL("UPDATE credit_score SET checked_date = %s WHERE id = ANY(%s)", today, score_ids))
            self.invalidate_model(["checked_date"])

    def _retire(self, score_ids):
        if score_ids:
            self.env.cr.execute(SQL("UPDATE credit_score SET is_current = false WHERE id = ANY(%s)", score_ids))
            self.invalidate_model(["is_current"])

    # ------------------------------------------------------------------
    # Alerts and automatic limit cuts
    # ------------------------------------------------------------------

    def _apply_consequences(self, previous, raw_values, figures, today):
        """Raise the early-warning alerts of the new scores and cut limits in automatic mode.

        Alerts on a state (exposure near the limit, an item overdue beyond N days, paying
        later) are raised for the state the customer is in, also at its first score; each
        event once (its key). Drops (score, grade, limit cut) need a previous score.
        """
        alerts = []
        for score in self:
            company = score.company_id
            before = previous.get(score.partner_id.id)
            alerts += score._score_alerts(before)
            if before and score._cut_limit(before):
                alerts.append(
                    score._alert_vals(
                        "limit_cut",
                        "limit_cut:%s" % score.id,
                        lambda env, score=score, currency=company.currency_id: env._(
                            "Credit limit cut from %(old)s to %(new)s by the automatic scoring (grade %(grade)s, "
                            "score %(score)s).",
                            old=formatLang(env, score.credit_limit, currency_obj=currency),
                            new=formatLang(env, score.suggested_limit, currency_obj=currency),
                            grade=score.grade,
                            score="%.1f" % score.score,
                        ),
                    )
                )
        for partner_id, values in raw_values.items():
            alerts += self._behaviour_alerts(partner_id, values, figures[partner_id], today)
        self.env["credit.alert"]._raise_alerts(alerts)

    def _alert_vals(self, alert_type, event_key, message, partner_id=None, company=None):
        return {
            "partner_id": partner_id or self.partner_id.id,
            "company_id": (company or self.company_id).id,
            "alert_type": alert_type,
            "event_key": event_key,
            "message": message,
        }

    def _score_alerts(self, before):
        company = self.company_id
        alerts = []
        if self.exposure_over and not (before and before.exposure_over) and company.credit_alert_exposure:
            alerts.append(
                self._alert_vals(
                    "exposure",
                    "exposure:%s" % self.id,
                    lambda env: env._(
                        "Exposure %(exposure)s has reached %(percent)s%% of the credit limit %(limit)s.",
                        exposure=formatLang(env, self.exposure, currency_obj=company.currency_id),
                        percent=company.credit_alert_exposure_percent,
                        limit=formatLang(env, self.credit_limit, currency_obj=company.currency_id),
                    ),
                )
            )
        if not before or not company.credit_alert_score:
            return alerts
        if self.grade_min_score < before.grade_min_score:
            alerts.append(
                self._alert_vals(
                    "grade_drop",
                    "grade_drop:%s" % self.id,
                    lambda env: env._(
                        "Grade dropped from %(old)s to %(new)s (score %(old_score)s → %(new_score)s).",
                        old=before.grade,
                        new=self.grade,
                        old_score="%.1f" % before.score,
                        new_score="%.1f" % self.score,
                    ),
                )
            )
        elif before.score - self.score >= company.credit_alert_score_drop:
            alerts.append(
                self._alert_vals(
                    "score_drop",
                    "score_drop:%s" % self.id,
                    lambda env: env._(
                        "Score dropped by %(drop)s points, from %(old_score)s to %(new_score)s.",
                        drop="%.1f" % (before.score - self.score),
                        old_score="%.1f" % before.score,
                        new_score="%.1f" % self.score,
                    ),
                )
            )
        return alerts

    @api.model
    def _behaviour_alerts(self, partner_id, values, figure, today):
        """Alerts that do not need a new score: an item overdue beyond N days (once per oldest
        overdue item), paying later than before (once a month)."""
        company = self.env.company
        alerts = []
        overdue_days = values["oldest_overdue_days"]
        threshold = company.credit_alert_overdue_days
        if company.credit_alert_overdue and figure.oldest_overdue_date and overdue_days > threshold:
            alerts.append(
                self._alert_vals(
                    "new_overdue",
                    "new_overdue:%s" % figure.oldest_overdue_date.isoformat(),
                    lambda env: env._(
                        "An item due on %(date)s is now %(days)s days overdue (overdue %(amount)s).",
                        date=fields.Date.to_string(figure.oldest_overdue_date),
                        days=overdue_days,
                        amount=formatLang(env, figure.overdue, currency_obj=company.currency_id),
                    ),
                    partner_id=partner_id,
                    company=company,
                )
            )
        recent, before = values["_avg_days_late_recent"], values["_avg_days_late_before"]
        if company.credit_alert_days_late and paying_later(before, recent, company.credit_alert_days_late_increase):
            alerts.append(
                self._alert_vals(
                    "days_late_trend",
                    "days_late:%s" % today.strftime("%Y-%m"),
                    lambda env: env._(
                        "Paying later: %(recent)s days late on average over the last 90 days, "
                        "against %(before)s days the 90 days before.",
                        recent="%.1f" % recent,
                        before="%.1f" % before,
                    ),
                    partner_id=partner_id,
                    company=company,
                )
            )
        return alerts

    def _cut_limit(self, before):
        """In automatic mode, lower the customer's limit to the suggested one; never raise it."""
        company = self.company_id
        if not company.credit_auto_limit_cut:
            return False
        grade_dropped = self.grade_min_score < before.grade_min_score
        if not limit_cut_due(
            self.credit_limit, self.suggested_limit, company.credit_auto_limit_cut_percent, grade_dropped
        ):
            return False
        partner = self.partner_id.with_company(company).sudo()
        partner.credit_limit = self.suggested_limit
        partner.message_post(
            body=_(
                "Credit limit cut automatically from %(old)s to %(new)s: %(reason)s",
                old=formatLang(self.env, self.credit_limit, currency_obj=company.currency_id),
                new=formatLang(self.env, self.suggested_limit, currency_obj=company.currency_id),
                reason=_("grade dropped from %(old)s to %(new)s", old=before.grade, new=self.grade)
                if grade_dropped
                else _("suggested limit below the current one"),
            ),
            subtype_xmlid="mail.mt_note",
        )
        return True
