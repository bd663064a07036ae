from . import credit_dunning_postpone, credit_dunning_promise, credit_dunning_wizard
