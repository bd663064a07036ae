from . import test_aging, test_aging_lib, test_aging_live
