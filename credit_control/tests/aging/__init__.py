from . import test_aging, test_aging_lib
