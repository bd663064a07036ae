from . import test_credit_promise, test_dunning, test_dunning_lib
