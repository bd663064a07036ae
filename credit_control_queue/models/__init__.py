from . import credit_batch, credit_dunning_communication, credit_dunning_run
