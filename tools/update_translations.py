"""Bring an addon's i18n files up to date: export the template, merge it into every .po.

For the addon ``--module NAME`` (default credit_control):

1. ``odoo-bin --i18n-export=… --modules=NAME`` on a database where the addon is installed
   writes the template, copied as it is to ``NAME/i18n/NAME.pot`` (it may hold no term: a
   bridge with no translatable string yet).
2. Each ``*.po`` of that folder (``zh_CN.po``) is merged with it: existing translations are kept,
   new terms are added with an empty translation (or the one of ``--compendium FILE.po`` when it
   has the same term translated), terms the template no longer has are dropped; the references
   and comments come from the template, the header from the .po. A language credit_control
   ships (its ``i18n/*.po``) that the addon lacks gets its .po, with the header of
   credit_control's.

``make i18n`` does it all, for every addon, on a fresh database of the private cluster
(``tools/i18n.sh``). By hand, with a database that has the addon installed::

    python tools/update_translations.py --odoo-src ODOO_SRC --db DB [--module NAME] \\
        [--compendium FILE.po] -- -c .data/odoo.conf

The quality gate "translations" (``tools/check_translations.py``) then says what is left to
translate.
"""

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

import polib

MAIN_MODULE = "credit_control"
REPO_ROOT = Path(__file__).resolve().parents[1]


def export_template(odoo_src, db, odoo_args, out, module):
    """Run odoo-bin's exporter for the addon into ``out`` (a .pot file)."""
    cmd = [
        sys.executable,
        str(Path(odoo_src) / "odoo-bin"),
        *odoo_args,
        "-d",
        db,
        f"--i18n-export={out}",
        f"--modules={module}",
        "--stop-after-init",
        "--log-level=warn",
    ]
    subprocess.run(cmd, check=True)
    if not Path(out).is_file():
        raise SystemExit(f"update_translations: odoo-bin wrote no template for {module} (is it installed in {db}?)")


def merge(template, po, compendium=None):
    """A new POFile: the entries of ``template`` translated from ``po``, else from ``compendium``.

    Returns (new file, number kept, number filled from the compendium, number left empty, dropped msgids).
    """
    old = {(entry.msgctxt, entry.msgid): entry for entry in po if not entry.obsolete}
    extra = {}
    if compendium is not None:
        extra = {(e.msgctxt, e.msgid): e.msgstr for e in compendium if not e.obsolete and e.msgstr and not e.fuzzy}
    merged = polib.POFile(wrapwidth=po.wrapwidth)
    merged.header = po.header
    merged.metadata = dict(po.metadata)
    if template.metadata.get("POT-Creation-Date"):
        merged.metadata["POT-Creation-Date"] = template.metadata["POT-Creation-Date"]
    kept = filled = empty = 0
    for source in template:
        if source.obsolete:
            continue
        key = (source.msgctxt, source.msgid)
        entry = polib.POEntry(
            msgid=source.msgid,
            msgctxt=source.msgctxt,
            comment=source.comment,
            tcomment=source.tcomment,
            occurrences=list(source.occurrences),
            flags=list(source.flags),
        )
        previous = old.get(key)
        if previous is not None and previous.msgstr:
            entry.msgstr = previous.msgstr
            entry.flags = sorted(set(entry.flags) | set(previous.flags))
            if previous.tcomment:
                entry.tcomment = previous.tcomment
            kept += 1
        elif key in extra:
            entry.msgstr = extra[key]
            filled += 1
        else:
            entry.msgstr = ""
            empty += 1
        merged.append(entry)
    wanted = {(e.msgctxt, e.msgid) for e in template if not e.obsolete}
    dropped = sorted(msgid for (ctx, msgid) in old if (ctx, msgid) not in wanted)
    return merged, kept, filled, empty, dropped


def new_po(lang, main_i18n_dir):
    """An empty .po for ``lang``, with the header and metadata of credit_control's own."""
    po = polib.POFile(wrapwidth=78)
    model = main_i18n_dir / f"{lang}.po"
    if model.is_file():
        main = polib.pofile(str(model))
        po.header, po.metadata = main.header, dict(main.metadata)
    else:
        po.metadata = {"Language": lang, "MIME-Version": "1.0", "Content-Type": "text/plain; charset=UTF-8"}
    return po


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--odoo-src", help="Odoo 18.0 source tree (the folder of odoo-bin)")
    parser.add_argument("--db", help="database where the addon is installed (for the export)")
    parser.add_argument("--module", default=MAIN_MODULE, help=f"the addon (default {MAIN_MODULE})")
    parser.add_argument("--template", type=Path, help="use this exported .pot instead of running odoo-bin")
    parser.add_argument("--compendium", type=Path, help="a .po whose translations fill the new terms")
    parser.add_argument("--i18n-dir", type=Path, help="folder of the .pot and .po files (default: <module>/i18n)")
    parser.add_argument(
        "--main-i18n-dir",
        type=Path,
        help=f"{MAIN_MODULE}'s i18n folder, whose languages every addon has (default: next to the addon's)",
    )
    parser.add_argument("odoo_args", nargs="*", help="after --: odoo-bin options (-c, --db_*, --addons-path)")
    args = parser.parse_args(argv)
    module = args.module
    i18n_dir = args.i18n_dir or REPO_ROOT / module / "i18n"
    main_i18n_dir = args.main_i18n_dir or i18n_dir.resolve().parents[1] / MAIN_MODULE / "i18n"
    i18n_dir.mkdir(parents=True, exist_ok=True)

    pot_path = i18n_dir / f"{module}.pot"
    with tempfile.TemporaryDirectory() as tmp:
        exported = args.template
        if exported is None:
            if not (args.odoo_src and args.db):
                parser.error("--odoo-src and --db are needed to export the template (or give --template)")
            exported = Path(tmp) / f"{module}.pot"
            export_template(args.odoo_src, args.db, args.odoo_args, exported, module)
        content = exported.read_bytes()
    pot_path.write_bytes(content)
    template = polib.pofile(str(pot_path))
    print(f"{pot_path}: {len(template)} terms")

    compendium = polib.pofile(str(args.compendium)) if args.compendium else None
    for lang in sorted(path.stem for path in main_i18n_dir.glob("*.po")):
        po_path = i18n_dir / f"{lang}.po"
        if not po_path.exists():
            po = new_po(lang, main_i18n_dir)
            if template.metadata.get("PO-Revision-Date"):
                po.metadata["PO-Revision-Date"] = template.metadata["PO-Revision-Date"]
            po.save(str(po_path))
            print(f"{po_path}: created ({MAIN_MODULE} has this language)")
    for po_path in sorted(i18n_dir.glob("*.po")):
        merged, kept, filled, empty, dropped = merge(template, polib.pofile(str(po_path)), compendium)
        merged.save(str(po_path))
        print(f"{po_path}: {kept} kept, {filled} from the compendium, {empty} to translate, {len(dropped)} dropped")
        for msgid in dropped:
            print(f"    dropped: {msgid!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
