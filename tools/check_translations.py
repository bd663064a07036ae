"""Quality gate "translations": the addons' i18n files are complete.

For each addon given with ``--module NAME`` (repeatable; default credit_control):

1. ``NAME/i18n/NAME.pot`` lists every term of the installed addon: the terms Odoo's own exporter
   (``odoo.tools.translate.TranslationModuleReader``, what ``--i18n-export`` writes) finds in
   the code, views, data and demo records of the database.
2. ``zh_CN.po`` (and every other ``*.po`` of the folder) translates every term of the template,
   with the same ``%s`` / ``%(name)s`` placeholders and the same HTML tags. Every language
   credit_control ships (its ``i18n/*.po``) must have its ``.po`` in each addon.

Each problem is printed on one line with the file it comes from; the exit status is 1 when there
is any (2 when the database cannot be read). Run by ``tools/test.sh`` after odoo-bin has installed
the addon in the test database, with the database options the harness gives odoo-bin::

    python tools/check_translations.py --odoo-src ODOO_SRC [--module NAME...] -- -c .data/odoo.conf \\
        --addons-path=... --db_host=... --db_port=... --db_user=... -d credit_control_test

``tools/update_translations.py`` (``make i18n``) brings the files up to date.
"""

import argparse
import csv
import re
import sys
from pathlib import Path

import polib

MAIN_MODULE = "credit_control"
REPO_ROOT = Path(__file__).resolve().parents[1]
PLACEHOLDER = re.compile(r"%(?:\([a-z_]+\))?[sd]")
TAG = re.compile(r"</?([a-zA-Z0-9]+)")


def entries(path):
    """{msgid: entry} of the entries of a .po/.pot file that are not obsolete."""
    return {entry.msgid: entry for entry in polib.pofile(str(path)) if not entry.obsolete}


def rel(path):
    """``path`` relative to the repository when it is inside it."""
    try:
        return str(Path(path).resolve().relative_to(REPO_ROOT))
    except ValueError:
        return str(path)


def short(text, width=90):
    text = " ".join(text.split())
    return repr(text if len(text) <= width else text[: width - 3] + "...")


class Origins:
    """Where a term of the exporter comes from, as a path relative to the repository."""

    def __init__(self, env, module, addon_dir):
        self.env = env
        self.module = module
        self.addon_dir = addon_dir
        self._record_files = None

    def of(self, ttype, name, res_id):
        if ttype == "code":
            # name: addons/<module>/<path>, res_id: the line number
            path = name.split(f"{self.module}/", 1)[-1]
            return f"{rel(self.addon_dir / path)}:{res_id}"
        model = name.split(",", 1)[0]
        xml_name = str(res_id).split(".", 1)[-1]
        where = self._record_file(xml_name)
        if where is None and model in ("ir.model.fields", "ir.model.fields.selection", "ir.model"):
            where = self._model_file(model, res_id)
        return f"{where or 'record'} ({name} of {res_id})"

    def _record_file(self, xml_name):
        """The data or demo file declaring the record ``xml_name``, with its line."""
        if self._record_files is None:
            self._record_files = {}
            for path in sorted(self.addon_dir.rglob("*.xml")):
                for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                    for found in re.findall(r'\bid="(?:%s\.)?([\w.]+)"' % self.module, line):
                        self._record_files.setdefault(found, f"{rel(path)}:{number}")
            for path in sorted(self.addon_dir.rglob("*.csv")):
                with path.open(encoding="utf-8") as f:
                    for number, row in enumerate(csv.reader(f), 1):
                        if number > 1 and row:
                            self._record_files.setdefault(row[0], f"{rel(path)}:{number}")
        return self._record_files.get(xml_name)

    def _model_file(self, model, xmlid):
        """The addon's Python file defining the field (or model) behind an ir.model* record."""
        import inspect

        record = self.env.ref(xmlid, raise_if_not_found=False)
        if record is None:
            return None
        if model == "ir.model.fields.selection":
            record = record.field_id
        if model == "ir.model":
            model_name, field_name = record.model, None
        else:
            model_name, field_name = record.model, record.name
        if model_name not in self.env:
            return None
        for cls in type(self.env[model_name]).__mro__:
            if getattr(cls, "_module", None) != self.module:
                continue
            if field_name is None and cls.__dict__.get("_name") != model_name:
                continue
            if field_name is not None and field_name not in cls.__dict__:
                continue
            try:
                return rel(inspect.getsourcefile(cls))
            except TypeError:
                return None
        return None


def read_exported_terms(odoo_src, odoo_args, modules):
    """{module: ({term: [origin, ...]}, i18n dir)} of the exporter, from the database named in
    odoo_args, and the languages of credit_control (its i18n/*.po)."""
    sys.path.insert(0, str(odoo_src))
    import odoo
    from odoo.tools.translate import TranslationModuleReader

    odoo.tools.config.parse_config([*odoo_args, "--log-level=warn"])
    db_name = odoo.tools.config["db_name"]
    if isinstance(db_name, list):  # Odoo 18 may keep a list of names
        db_name = db_name[0] if db_name else ""
    if not db_name:
        raise SystemExit("check_translations: no database given (-d NAME after --)")
    with odoo.sql_db.db_connect(db_name).cursor() as cr:
        cr.execute("SELECT name, state FROM ir_module_module WHERE name IN %s", [tuple(modules)])
        states = dict(cr.fetchall())
    missing = [module for module in modules if states.get(module) != "installed"]
    for module in missing:
        print(f"check_translations: {module} is not installed in {db_name} ({states.get(module, 'unknown')})")
    if missing:
        raise SystemExit(2)
    registry = odoo.modules.registry.Registry(db_name)
    result = {}
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        for module in modules:
            addon_dir = Path(odoo.modules.module.get_module_path(module)).resolve()
            origins = Origins(env, module, addon_dir)
            terms = {}
            for row in TranslationModuleReader(cr, modules=[module]):
                _module, ttype, name, res_id, source, _value, _comments = row
                terms.setdefault(source, []).append(origins.of(ttype, name, res_id))
            result[module] = (terms, addon_dir / "i18n")
        cr.rollback()
    main_i18n = Path(odoo.modules.module.get_module_path(MAIN_MODULE)) / "i18n"
    return result, sorted(path.stem for path in main_i18n.glob("*.po"))


def pot_origin(entry):
    return ", ".join(f"{name}" for name, _line in entry.occurrences[:2]) or "no occurrence"


def check(module, terms, i18n_dir, languages=()):
    """Problems of the i18n files of ``module``; each of ``languages`` (credit_control's) must have its .po."""
    problems = []
    pot_path = i18n_dir / f"{module}.pot"
    if not pot_path.is_file():
        return [f"{rel(pot_path)}: missing (make i18n writes it)"]
    template = entries(pot_path)
    for source in sorted(set(terms) - set(template)):
        where = terms[source][0]
        more = f" (and {len(terms[source]) - 1} more)" if len(terms[source]) > 1 else ""
        problems.append(f"{rel(pot_path)}: missing term {short(source)} from {where}{more}")
    extra = set(template) - set(terms)
    if extra:
        print(f"note: {rel(pot_path)} has {len(extra)} term(s) the code no longer uses (make i18n drops them)")

    for lang in languages:
        if not (i18n_dir / f"{lang}.po").is_file():
            problems.append(f"{rel(i18n_dir / f'{lang}.po')}: missing ({MAIN_MODULE} has one; make i18n creates it)")
    for po_path in sorted(i18n_dir.glob("*.po")):
        translated = entries(po_path)
        for source in sorted(template):
            entry = translated.get(source)
            origin = terms[source][0] if source in terms else pot_origin(template[source])
            if entry is None:
                problems.append(f"{rel(po_path)}: missing term {short(source)} from {origin}")
                continue
            where = f"{rel(po_path)}:{entry.linenum}"
            if not entry.msgstr:
                problems.append(f"{where}: untranslated {short(source)} from {origin}")
                continue
            if sorted(PLACEHOLDER.findall(source)) != sorted(PLACEHOLDER.findall(entry.msgstr)):
                problems.append(
                    f"{where}: placeholders differ in {short(source)} from {origin}: "
                    f"{sorted(PLACEHOLDER.findall(source))} vs {sorted(PLACEHOLDER.findall(entry.msgstr))}"
                )
            if sorted(TAG.findall(source)) != sorted(TAG.findall(entry.msgstr)):
                problems.append(
                    f"{where}: HTML tags differ in {short(source)} from {origin}: "
                    f"{sorted(TAG.findall(source))} vs {sorted(TAG.findall(entry.msgstr))}"
                )
        print(f"{rel(po_path)}: {len(template)} terms checked")
    return problems


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--odoo-src", required=True, help="Odoo 18.0 source tree (the folder of odoo-bin)")
    parser.add_argument(
        "--module", action="append", dest="modules", help=f"addon to check (repeatable; default {MAIN_MODULE})"
    )
    parser.add_argument("--i18n-dir", type=Path, help="folder of the .pot and .po files (default: the addon's i18n/)")
    parser.add_argument("odoo_args", nargs="*", help="after --: odoo-bin options (-c, --db_*, --addons-path, -d)")
    args = parser.parse_args(argv)
    modules = list(dict.fromkeys(args.modules or [MAIN_MODULE]))
    if args.i18n_dir and len(modules) > 1:
        parser.error("--i18n-dir goes with a single --module")
    status = 0
    exported, languages = read_exported_terms(Path(args.odoo_src), args.odoo_args, modules)
    for module, (terms, i18n_dir) in exported.items():
        problems = check(module, terms, args.i18n_dir or i18n_dir, languages)
        for problem in problems:
            print(problem)
        print(f"translations: {module}: {len(terms)} terms in the code, {len(problems)} problems")
        status = status or (1 if problems else 0)
    return status


if __name__ == "__main__":
    sys.exit(main())
