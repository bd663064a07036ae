from . import collections, core, dunning
