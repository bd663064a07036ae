"""Quality gate: the addon builds as the wheel odoo-addon-credit_control (whool) with the
right metadata and content.

Usage: python tools/check_wheel.py ADDON_DIR OUT_DIR (the python running it needs whool).
"""

import ast
import subprocess
import sys
import zipfile
from email.parser import Parser
from pathlib import Path

PREFIX = "odoo/addons/credit_control/"
REQUIRED_DEPENDENCIES = {"odoo==18.0.*", "xlsxwriter", "requests", "phonenumbers"}
# local or generated files that must never ship
FORBIDDEN_PARTS = ("__pycache__", ".pyc", ".data/", ".git/", ".ci/", "tools/", "bench/", ".orig", "~")


def build(addon_dir, out_dir):
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
    wheels = list(out_dir.glob("odoo_addon_credit_control-18.0.*-py3-none-any.whl"))
    if len(wheels) != 1:
        raise SystemExit(f"wheel: expected one odoo_addon_credit_control-18.0.* wheel, got {wheels}")
    return wheels[0]


def problems_of(wheel, addon_dir):
    problems = []
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        metadata_name = next(n for n in names if n.endswith(".dist-info/METADATA"))
        metadata = Parser().parsestr(archive.read(metadata_name).decode())
    if metadata["Name"] != "odoo-addon-credit_control":
        problems.append(f"distribution name is {metadata['Name']!r}")
    requires = {value.split(";")[0].strip() for value in metadata.get_all("Requires-Dist") or []}
    problems += [f"missing Requires-Dist {dep}" for dep in sorted(REQUIRED_DEPENDENCIES - requires)]
    if metadata["License"] != "LGPL-3":
        problems.append(f"license is {metadata['License']!r}")

    manifest = ast.literal_eval((addon_dir / "__manifest__.py").read_text())
    expected = ["__manifest__.py", "__init__.py", "README.rst", "static/description/icon.png"]
    expected += manifest.get("data", []) + manifest.get("demo", [])
    expected += [str(p.relative_to(addon_dir)) for p in (addon_dir / "i18n").glob("*.po*")]
    expected += [str(p.relative_to(addon_dir)) for p in (addon_dir / "static").rglob("*.js")]
    problems += [f"missing {PREFIX}{path}" for path in expected if PREFIX + path not in names]
    problems += [
        f"local file shipped: {name}" for name in sorted(names) if any(part in name for part in FORBIDDEN_PARTS)
    ]
    problems += [
        f"file outside the addon: {name}"
        for name in sorted(names)
        if not name.startswith((PREFIX, "odoo_addon_credit_control-"))
    ]
    return problems


def main(addon_dir, out_dir):
    addon_dir, out_dir = Path(addon_dir).resolve(), Path(out_dir).resolve()
    wheel = build(addon_dir, out_dir)
    problems = problems_of(wheel, addon_dir)
    for problem in problems:
        print(f"{wheel.name}: {problem}")
    print(f"wheel: {wheel.name}, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
