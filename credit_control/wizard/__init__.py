from . import credit_dunning_promise, credit_dunning_wizard, credit_hold_decision
