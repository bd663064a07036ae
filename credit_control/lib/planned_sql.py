"""Statements run through a PL/pgSQL function of their own, so that PostgreSQL keeps their plan.

A statement sent as text is parsed and planned again at every call: on the confirmation path
that was more than half the time of the figure and fact statements (bench/HISTORY.md, round 8).
A PL/pgSQL function keeps the plan of its statement for the rest of the session (Odoo keeps its
connections), and the function is in the catalogue, so it works behind any connection pooler,
where a ``PREPARE`` of one connection is unknown to the next. Here is the pure part: the text of
the function made from a statement, and of its call (``credit.exposure._execute_planned``).
"""

import hashlib
import re

FUNCTION_PREFIX = "credit_control_q_"
DOLLAR_QUOTE = "$credit_control$"
_PLACEHOLDER = re.compile(r"%(.)", re.DOTALL)


def numbered_placeholders(code):
    """(``code`` with psycopg2's ``%s`` as ``$1``, ``$2``… and ``%%`` as ``%``, number of ``%s``)."""
    count = 0

    def replace(match):
        nonlocal count
        if match.group(1) == "%":
            return "%"
        if match.group(1) == "s":
            count += 1
            return f"${count}"
        raise ValueError(f"Unsupported placeholder %{match.group(1)} in a planned statement")

    return _PLACEHOLDER.sub(replace, code), count


def function_name(code, param_types, result_types):
    """A name that changes with the statement and its types: a new version of the code makes a
    new function rather than changing the one other workers still call."""
    key = "\x00".join([code, *param_types, "->", *result_types])
    return FUNCTION_PREFIX + hashlib.sha1(key.encode()).hexdigest()[:24]


def function_definition(name, body, param_types, result_types):
    """``CREATE FUNCTION`` of ``body`` (placeholders numbered) returning its rows as they are.

    The plan is generic from the first call (``plan_cache_mode``): PostgreSQL would otherwise
    plan the first five calls anew, and the id arrays of these statements keep a generic plan
    no worse than a custom one (bench/README.md). The result columns are named apart from any
    table column, which take precedence anyway (``#variable_conflict use_column``). The statement
    ends on a line of its own: its last line may be a comment.
    """
    body = body.strip().rstrip(";")
    if DOLLAR_QUOTE in body or not result_types or "unknown" in param_types:
        raise ValueError("This statement cannot be made a planned function")
    columns = ", ".join(f"credit_control_{index} {type_}" for index, type_ in enumerate(result_types, 1))
    return (
        f'CREATE OR REPLACE FUNCTION "{name}"({", ".join(param_types)}) RETURNS TABLE ({columns})\n'
        f"LANGUAGE plpgsql VOLATILE SET plan_cache_mode = force_generic_plan AS {DOLLAR_QUOTE}\n"
        f"#variable_conflict use_column\nBEGIN\nRETURN QUERY {body}\n;\nEND\n{DOLLAR_QUOTE}"
    )


def function_call(name, param_count):
    """The statement calling the function, with psycopg2 placeholders for its parameters."""
    return f'SELECT * FROM "{name}"({", ".join(["%s"] * param_count)})'
