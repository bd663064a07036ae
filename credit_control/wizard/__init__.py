from . import collections, core, desk, dunning
