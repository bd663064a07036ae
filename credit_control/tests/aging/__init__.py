from . import test_aging
