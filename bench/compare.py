#!/usr/bin/env python3
"""How the figures grow with the data: run.py results of two or more sizes side by side.

    python bench/compare.py medium.json full.json [--json growth.json]

For each measurement: its value at each size and the growth factor from the smallest to
the largest size, next to the growth of the data (customers). A growth factor close to
the data's is linear; close to 1 is constant.
"""

import argparse
import json


def load(paths):
    runs = []
    for path in paths:
        with open(path) as handle:
            runs.append(json.load(handle))
    return sorted(runs, key=lambda run: run["ours"]["generated"]["customers"])


def rows_of(run):
    """{(section, label, metric): value} for one run (ours and, when present, plain Odoo and OCA)."""
    rows = {}
    generated = run["ours"]["generated"]
    rows[("generation", "generate.py", "total s")] = generated.get("generation_s")
    for side in ("ours", "plain", "oca"):
        if not run.get(side):
            continue
        for label, summary in run[side]["confirmation"].items():
            rows[("confirmation check", label, "p50 ms")] = summary["p50_ms"]
            rows[("confirmation check", label, "p95 ms")] = summary["p95_ms"]
            rows[("confirmation check", label, "queries max")] = summary["queries_max"]
        for outcome, figures in run[side].get("by_outcome", {}).items():
            section = f"orders credit_control {'confirms' if outcome == 'pass' else 'holds'}"
            for label, summary in figures.items():
                if isinstance(summary, dict):
                    rows[(section, label, "p50 ms")] = summary["p50_ms"]
                    rows[(section, label, "p95 ms")] = summary["p95_ms"]
                    rows[(section, label, "queries max")] = summary["queries_max"]
        for company_id, figures in run[side]["all_customers"].items():
            for label, values in figures.items():
                section = f"all customers, company {company_id}"
                rows[(section, label, "wall s")] = values["wall_s"]
                rows[(section, label, "peak py MiB")] = values["peak_python_mib"]
                rows[(section, label, "queries")] = values["queries"]
    return rows


def growth_table(runs):
    tables = [rows_of(run) for run in runs]
    keys = []
    for table in tables:
        keys += [key for key in table if key not in keys]
    sizes = [run["ours"]["generated"]["customers"] for run in runs]
    data_growth = sizes[-1] / sizes[0]
    sections = list(dict.fromkeys(key[0] for key in keys))
    keys.sort(key=lambda key: sections.index(key[0]))  # stable: each section's rows keep their order
    result = []
    for key in keys:
        values = [table.get(key) for table in tables]
        first, last = values[0], values[-1]
        growth = round(last / first, 2) if first and last is not None else None
        result.append({"section": key[0], "label": key[1], "metric": key[2], "values": values, "growth": growth})
    return sizes, data_growth, result


def print_table(sizes, data_growth, result):
    heads = "".join(f"{f'{size:,} cust.':>14}" for size in sizes)
    print(f"{'':<58}{heads}{'growth':>9}   (data: ×{data_growth:g})")
    section = None
    for row in result:
        if row["section"] != section:
            section = row["section"]
            print(f"\n{section}")
        values = "".join(f"{value:>14,.2f}" if value is not None else f"{'-':>14}" for value in row["values"])
        growth = f"×{row['growth']:g}" if row["growth"] is not None else "-"
        print(f"  {row['label'] + ', ' + row['metric']:<56}{values}{growth:>9}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("results", nargs="+", help="JSON files written by run.py --json")
    parser.add_argument("--json", help="write the growth table to this file")
    args = parser.parse_args()
    sizes, data_growth, result = growth_table(load(args.results))
    print_table(sizes, data_growth, result)
    if args.json:
        with open(args.json, "w") as handle:
            json.dump({"customers": sizes, "data_growth": data_growth, "rows": result}, handle, indent=2)


if __name__ == "__main__":
    main()
