from . import test_dunning, test_dunning_lib
