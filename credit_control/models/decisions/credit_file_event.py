from odoo import fields, models
from odoo.tools import SQL

FILE_EVENT_TYPES = [
    ("request", "Credit request"),
    ("request_decision", "Credit request decided"),
    ("approval", "Approval tier"),
    ("limit", "Limit change"),
    ("hold", "Credit hold"),
    ("hold_decision", "Credit hold decided"),
    ("score", "Score and grade"),
    ("registry", "Registry status"),
    ("dunning", "Dunning level"),
    ("promise", "Promise to pay"),
]


class CreditFileEvent(models.Model):
    """The credit file (信用档案) of a customer: every credit decision and the figures behind it, in
    one read-only timeline (an SQL view over the records that keep them)."""

    _name = "credit.file.event"
    _description = "Credit File Event"
    _auto = False
    _order = "date desc, id desc"
    _rec_name = "summary"
    _depends = {
        "credit.limit.request": ["partner_id", "company_id", "state", "decision_date", "requested_limit"],
        "tier.review": ["status", "reviewed_date", "comment", "done_by"],
        "credit.hold": ["partner_id", "state", "request_date", "decision_date", "decision_reason"],
        "credit.score": ["partner_id", "date", "grade", "score"],
        "credit.promise": ["partner_id", "state", "date", "amount"],
        "mail.tracking.value": ["new_value_float", "mail_message_id"],
    }

    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True, index=True)
    company_id = fields.Many2one("res.company", readonly=True)
    date = fields.Datetime(readonly=True)
    event_type = fields.Selection(FILE_EVENT_TYPES, string="Event", readonly=True)
    summary = fields.Char(string="What", readonly=True)
    amount = fields.Float(readonly=True, help="The amount of the event (company currency), when it has one.")
    user_id = fields.Many2one("res.users", string="By", readonly=True)
    res_model = fields.Char(string="Document Model", readonly=True)
    res_id = fields.Integer(string="Document", readonly=True)

    def action_open_document(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": self.res_model,
            "res_id": self.res_id,
            "view_mode": "form",
            "views": [(False, "form")],
        }

    @property
    def _table_query(self):
        return self._query()

    def _query(self):
        """One SELECT per source; ids are the source's number × 10¹⁰ + the record's id."""
        return SQL(
            """
            SELECT 1 * 10000000000::bigint + r.id AS id, r.partner_id, r.company_id, r.create_date AS date,
                   'request' AS event_type, r.name || ' ' || r.kind AS summary,
                   COALESCE(r.approval_amount, 0) AS amount, r.requested_by_id AS user_id,
                   'credit.limit.request' AS res_model, r.id AS res_id
              FROM credit_limit_request r
             UNION ALL
            SELECT 2 * 10000000000::bigint + r.id, r.partner_id, r.company_id, r.decision_date,
                   'request_decision', r.name || ' ' || r.state || ': ' || r.kind
                       || COALESCE(' ' || r.current_limit || ' → ' || r.requested_limit, ''),
                   COALESCE(r.requested_limit, 0), r.decided_by_id, 'credit.limit.request', r.id
              FROM credit_limit_request r
             WHERE r.decision_date IS NOT NULL
             UNION ALL
            SELECT 3 * 10000000000::bigint + t.id, r.partner_id, r.company_id, t.reviewed_date,
                   'approval', r.name || ' ' || COALESCE(d.name->>'en_US', '') || ': ' || t.status
                       || COALESCE(' (' || t.comment || ')', ''),
                   COALESCE(r.approval_amount, 0), t.done_by, 'credit.limit.request', r.id
              FROM tier_review t
              JOIN credit_limit_request r ON t.model = 'credit.limit.request' AND r.id = t.res_id
              LEFT JOIN tier_definition d ON d.id = t.definition_id
             WHERE t.status IN ('approved', 'rejected') AND t.reviewed_date IS NOT NULL
             UNION ALL
            SELECT 4 * 10000000000::bigint + h.id, h.partner_id, h.company_id, h.request_date,
                   'hold', h.name, COALESCE(h.amount_company, 0), h.requested_by_id, 'credit.hold', h.id
              FROM credit_hold h
             WHERE h.request_date IS NOT NULL
             UNION ALL
            SELECT 5 * 10000000000::bigint + h.id, h.partner_id, h.company_id, h.decision_date,
                   'hold_decision', h.name || ' ' || h.state || COALESCE(': ' || h.decision_reason, ''),
                   COALESCE(h.amount_company, 0), h.decided_by_id, 'credit.hold', h.id
              FROM credit_hold h
             WHERE h.decision_date IS NOT NULL
             UNION ALL
            SELECT 6 * 10000000000::bigint + s.id, s.partner_id, s.company_id, s.date::timestamp,
                   'score', COALESCE(s.grade, '-') || ' (' || round(s.score::numeric, 1) || ')',
                   COALESCE(s.suggested_limit, 0), NULL, 'credit.score', s.id
              FROM credit_score s
             UNION ALL
            SELECT 7 * 10000000000::bigint + g.id, g.partner_id, NULL, g.date,
                   'registry', g.status || COALESCE(' (' || g.registry_status || ')', ''),
                   0, g.user_id, 'credit.registry.snapshot', g.id
              FROM credit_registry_snapshot g
             WHERE g.error IS NULL
             UNION ALL
            SELECT 8 * 10000000000::bigint + c.id, c.partner_id, c.company_id, c.sent_date,
                   'dunning', 'Level ' || c.level_rank, COALESCE(c.amount_due, 0), NULL,
                   'credit.dunning.communication', c.id
              FROM credit_dunning_communication c
             WHERE c.sent_date IS NOT NULL
             UNION ALL
            SELECT 9 * 10000000000::bigint + p.id, p.partner_id, p.company_id, p.create_date,
                   'promise', p.date || ' ' || p.state, COALESCE(p.amount, 0), p.user_id, 'credit.promise', p.id
              FROM credit_promise p
             UNION ALL
            SELECT 10 * 10000000000::bigint + v.id, m.res_id, NULL, m.date,
                   'limit', COALESCE(v.old_value_float, 0) || ' → ' || COALESCE(v.new_value_float, 0),
                   COALESCE(v.new_value_float, 0),
                   (SELECT u.id FROM res_users u WHERE u.partner_id = m.author_id ORDER BY u.id LIMIT 1),
                   'res.partner', m.res_id
              FROM mail_tracking_value v
              JOIN mail_message m ON m.id = v.mail_message_id AND m.model = 'res.partner'
              JOIN ir_model_fields f ON f.id = v.field_id AND f.model = 'res.partner' AND f.name = 'credit_limit'
            """
        )
