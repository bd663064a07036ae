from . import credit_hold_decision
