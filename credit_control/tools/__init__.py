from .cache import ormcache
