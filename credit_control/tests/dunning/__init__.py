from . import test_credit_promise, test_dunning, test_dunning_lib, test_dunning_preview, test_dunning_preview_tour
