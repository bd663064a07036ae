from . import core, dunning
