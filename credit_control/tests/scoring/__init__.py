from . import test_scoring, test_scoring_lib, test_scoring_tour
