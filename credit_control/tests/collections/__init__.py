from . import (
    test_collections_lib,
    test_collections_tour,
    test_measures,
    test_promise_escalation,
    test_statement,
    test_worklist,
)
