from . import collections, core, dunning, desk
