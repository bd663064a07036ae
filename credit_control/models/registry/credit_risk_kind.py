from odoo import api, fields, models

from ...lib.registry.risk import DEFAULT_KIND_WEIGHTS

RISK_KINDS = [
    ("dishonest", "Dishonest judgement debtor"),
    ("enforcement", "Enforcement case"),
    ("consumption_restriction", "Consumption restriction"),
    ("judgement", "Lawsuit or judgement"),
    ("administrative_penalty", "Administrative penalty"),
    ("abnormal_operation", "Abnormal operation"),
    ("equity_freeze", "Equity freeze"),
]


class CreditRiskKind(models.Model):
    """A kind of legal-risk record and what it does to a credit decision: its weight in the
    legal-risk score factor and whether an active record holds the customer's orders.

    One record per kind of ``lib/registry/risk.py``, shared by all companies (as the providers
    are); each company switches the hold itself on or off.
    """

    _name = "credit.risk.kind"
    _description = "Legal Risk Kind"
    _order = "sequence, id"
    _sql_constraints = [
        ("code_unique", "unique(code)", "There is already a record kind with this code."),
        ("weight_positive", "CHECK(weight >= 0)", "The weight of a kind of record cannot be negative."),
    ]

    name = fields.Char(required=True, translate=True)
    code = fields.Selection(RISK_KINDS, required=True, readonly=True)
    sequence = fields.Integer(default=10)
    weight = fields.Float(
        default=10.0,
        help="Points of the legal-risk index (0-100) an active record of this kind adds, up to twice as many "
        "when its amount reaches what the customer owes.",
    )
    hold = fields.Boolean(
        string="Holds Orders",
        help="An active record of this kind holds the customer's orders, in the companies that hold on legal risk.",
    )

    @api.model
    def _weights(self):
        """{kind code: weight} for the legal-risk index; the defaults of risk.py for a missing kind."""
        weights = dict(DEFAULT_KIND_WEIGHTS)
        for kind in self.sudo().search([], limit=len(RISK_KINDS)):
            weights[kind.code] = kind.weight
        return weights
