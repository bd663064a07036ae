"""Quality gate: each addon builds as its wheel odoo-addon-<name> (whool) with the right
metadata and content.

For every addon: the distribution name, the license, the files of the addon (manifest, data,
demo, README.rst, icon, i18n, JS), nothing local or outside ``odoo/addons/<name>/``, and each
module of ``depends`` that is not an Odoo core addon listed as ``odoo-addon-<module>`` in
Requires-Dist (e.g. credit_control_stock requires odoo-addon-credit_control); also
``odoo==18.0.*``, and for credit_control its Python dependencies (REQUIRED_DEPENDENCIES).

Usage: python tools/check_wheel.py [--out-dir DIR] ADDON_DIR... (the python running it needs
whool); each wheel is built into DIR/<name>/.
"""

import argparse
import ast
import re
import subprocess
import sys
import zipfile
from email.parser import Parser
from pathlib import Path

from manifestoo_core.core_addons import get_core_addons
from manifestoo_core.odoo_series import OdooSeries

REPO_ROOT = Path(__file__).resolve().parents[1]
ODOO_REQUIREMENT = "odoo==18.0.*"
# Python dependencies of the main addon's wheel, beyond odoo and the odoo-addon-* of its depends
REQUIRED_DEPENDENCIES = {"credit_control": {"xlsxwriter", "requests", "phonenumbers"}}
# local or generated files that must never ship (the repository's tools/ and bench/ would be files
# outside the addon; an addon's own tools/ package, as mail's, ships)
FORBIDDEN_PARTS = ("__pycache__", ".pyc", ".data/", ".git/", ".ci/", ".orig", "~")


def canonical(name):
    """PEP 503 normalised distribution name: odoo-addon-credit_control -> odoo-addon-credit-control."""
    return re.sub(r"[-_.]+", "-", name).lower()


def build(addon_dir, out_dir):
    name = addon_dir.name
    out_dir.mkdir(parents=True, exist_ok=True)
    for old in out_dir.glob("*.whl"):
        old.unlink()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "--wheel-dir",
            str(out_dir),
            str(addon_dir),
        ],
        check=True,
    )
    wheels = list(out_dir.glob(f"odoo_addon_{name}-18.0.*-py3-none-any.whl"))
    if len(wheels) != 1:
        raise SystemExit(f"wheel: expected one odoo_addon_{name}-18.0.* wheel, got {wheels}")
    return wheels[0]


def required_of(addon_dir, manifest):
    """The requirements the wheel of the addon must list (odoo, odoo-addon-<non-core depend>...)."""
    core = get_core_addons(OdooSeries.v18_0)
    required = {ODOO_REQUIREMENT} | REQUIRED_DEPENDENCIES.get(addon_dir.name, set())
    required |= {f"odoo-addon-{dep}" for dep in manifest.get("depends", []) if dep not in core}
    return required


def problems_of(wheel, addon_dir):
    name = addon_dir.name
    prefix = f"odoo/addons/{name}/"
    problems = []
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        metadata_name = next(n for n in names if n.endswith(".dist-info/METADATA"))
        metadata = Parser().parsestr(archive.read(metadata_name).decode())
    if metadata["Name"] != f"odoo-addon-{name}":
        problems.append(f"distribution name is {metadata['Name']!r}")
    manifest = ast.literal_eval((addon_dir / "__manifest__.py").read_text())

    requires = [value.split(";")[0].strip() for value in metadata.get_all("Requires-Dist") or []]
    # {canonical distribution name: [requirement, ...]}
    by_name = {}
    for requirement in requires:
        dist = re.split(r"[\s<>=!~\[(]", requirement, maxsplit=1)[0]
        by_name.setdefault(canonical(dist), []).append(requirement)
    for wanted in sorted(required_of(addon_dir, manifest)):
        dist = re.split(r"[\s<>=!~\[(]", wanted, maxsplit=1)[0]
        found = by_name.get(canonical(dist), [])
        if not found or (wanted != dist and wanted not in found):
            problems.append(f"missing Requires-Dist {wanted}" + (f" (has {', '.join(found)})" if found else ""))
    if metadata["License"] != "LGPL-3":
        problems.append(f"license is {metadata['License']!r}")

    expected = ["__manifest__.py", "__init__.py", "README.rst", "static/description/icon.png"]
    expected += manifest.get("data", []) + manifest.get("demo", [])
    expected += [str(p.relative_to(addon_dir)) for p in (addon_dir / "i18n").glob("*.po*")]
    expected += [str(p.relative_to(addon_dir)) for p in (addon_dir / "static").rglob("*.js")]
    problems += [f"missing {prefix}{path}" for path in expected if prefix + path not in names]
    problems += [
        f"local file shipped: {entry}" for entry in sorted(names) if any(part in entry for part in FORBIDDEN_PARTS)
    ]
    problems += [
        f"file outside the addon: {entry}"
        for entry in sorted(names)
        if not entry.startswith((prefix, f"odoo_addon_{name}-"))
    ]
    return problems, requires


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out-dir", type=Path, default=REPO_ROOT / ".data" / "wheel")
    parser.add_argument("addon_dirs", nargs="+", type=Path)
    args = parser.parse_args(argv)
    failed = 0
    for addon_dir in args.addon_dirs:
        addon_dir = addon_dir.resolve()
        try:
            wheel = build(addon_dir, args.out_dir.resolve() / addon_dir.name)
        except (subprocess.CalledProcessError, SystemExit) as error:
            print(f"wheel: {addon_dir.name}: build failed: {error}")
            failed += 1
            continue
        problems, requires = problems_of(wheel, addon_dir)
        for problem in problems:
            print(f"{wheel.name}: {problem}")
        print(f"wheel: {wheel.name} (requires {', '.join(requires) or 'nothing'}), {len(problems)} problems")
        failed += bool(problems)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
