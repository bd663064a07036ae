from . import test_payment_terms, test_scoring, test_scoring_lib, test_scoring_tour
