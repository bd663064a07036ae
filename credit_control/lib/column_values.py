"""Column values a statement returns inside a jsonb array, back to what the ORM caches.

The figure statement of a check also reads the customer's credit fields (one round trip less
on every confirmation, ``credit.exposure._partner_fields_sql``). They come back as a jsonb
array, the only way to carry columns of any type in the statement's rows: dates and times as
ISO texts and every number as a JSON number. Here they get the Python types that psycopg2
gives for the columns themselves, which is what ``Model._fetch_query`` puts in the cache.
"""

from datetime import date, datetime

# field types whose column value survives a trip through jsonb (binary, json and x2many do not)
JSON_COLUMN_TYPES = frozenset(
    {"boolean", "char", "date", "datetime", "float", "integer", "many2one", "monetary", "selection", "text"}
)


def column_value(field_type, value):
    """The value of a column of ``field_type`` as psycopg2 reads it, from its jsonb form."""
    if value is None:
        return None
    if field_type == "date":
        return date.fromisoformat(value)
    if field_type == "datetime":
        return datetime.fromisoformat(value)
    if field_type in ("float", "monetary"):
        return float(value)
    return value
