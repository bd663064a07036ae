from . import credit_hold_decision, credit_hold_release_request
