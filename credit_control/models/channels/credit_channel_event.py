from odoo import fields, models

# the events a robot can subscribe to; other features emit theirs with
# credit.channel.message._enqueue(code, company, records, values)
EVENTS = [
    ("hold_created", "Credit hold created"),
    ("hold_decided", "Credit hold decided"),
    ("limit_request", "Limit request to approve"),
    ("alert", "Credit alert"),
    ("broken_promise", "Broken promise to pay"),
    ("limit_cut", "Automatic limit cut"),
    ("registry_status", "Registry status change"),
    ("dunning_final", "Final dunning level reached"),
    ("digest", "Daily digest"),
]


class CreditChannelEvent(models.Model):
    """An event robots subscribe to (one record per code, shipped as data)."""

    _name = "credit.channel.event"
    _description = "Credit Channel Event"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    code = fields.Selection(EVENTS, required=True, readonly=True)
    sequence = fields.Integer(default=10)

    _sql_constraints = [
        ("code_unique", "unique(code)", "Each event exists once."),
    ]
