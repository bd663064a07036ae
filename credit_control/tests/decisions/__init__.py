from . import (
    test_credit_file,
    test_credit_group,
    test_credit_insurance,
    test_credit_review,
    test_decisions_lib,
    test_limit_request,
    test_request_tour,
)
