#!/usr/bin/env python3
"""Send the same dunning communications (with their PDFs) in one process and through N job workers.

    python bench/bench_queue.py --db bench_small -c /tmp/odoo.conf --send 120 --workers 1,2 --json queue.json

It never writes into --db: it copies it once into ``<db>_queue_tpl`` (credit_control_queue and
queue_job installed, customers given an email and an address), then, for each scenario, into
``<db>_queue_run``, where a dunning run of the first company selects the overdue items and keeps
--send communications to send (the others are cancelled). Scenarios, on the same data:

- ``inline``: the cron path, in this process (batches of --batch, one commit each), while an
  odoo-bin with one worker serves the report assets wkhtmltopdf fetches;
- ``jobs:N`` for each N of --workers: the batches queued as jobs, then odoo-bin with
  ``--load=web,queue_job``, channel capacity N (``root:N,root.credit_control.dunning:N``) and
  N + 1 HTTP workers (the jobs take N; one more serves the assets wkhtmltopdf asks the server
  for while a job renders, or a job waits on itself); the time is from the first job started
  to the last one done (queue_job's dates), and the wall time from the server's start.

Each scenario checks that every communication was sent once (one email each) and counts the PDF
documents attached; documents per minute and the ratios to ``inline`` and ``jobs:1`` are printed.
"""

import json
import os
import signal
import socket
import subprocess
import sys
import time

import psycopg2
from bench_common import add_connection_arguments, make_parser, read_marker, resolve_connection

TEMPLATE_SUFFIX = "_queue_tpl"
RUN_SUFFIX = "_queue_run"
SERVER_LOG = "/tmp/bench_queue_server.log"


def parse_args():
    parser = make_parser(__doc__.split("\n\n")[0])
    parser.add_argument("--db", required=True, help="a database built by generate.py (never written)")
    parser.add_argument("--send", type=int, default=120, help="communications sent in each scenario")
    parser.add_argument("--batch", type=int, default=20, help="communications per batch (one job, one commit)")
    parser.add_argument("--workers", default="1,2", help="job workers of the job scenarios, comma separated")
    parser.add_argument("--skip-inline", action="store_true", help="only the job scenarios")
    parser.add_argument("--timeout", type=int, default=3600, help="seconds a scenario may take")
    parser.add_argument("--rebuild", action="store_true", help="copy --db into the template again")
    parser.add_argument("--json", help="write the figures to this file")
    add_connection_arguments(parser)
    return parser.parse_args()


def admin(connection, *statements):
    conn = connection.connect("postgres")
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            for statement in statements:
                cur.execute(statement)
    finally:
        conn.close()


def copy_database(connection, source, target):
    admin(
        connection,
        f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname IN ('{source}', '{target}')",
        f'DROP DATABASE IF EXISTS "{target}"',
        f'CREATE DATABASE "{target}" TEMPLATE "{source}"',
    )


def odoo_bin(connection, dbname, *args, command=(), **popen):
    """odoo-bin [command] with the connection's options on ``dbname``."""
    command = [sys.executable, str(connection.odoo_src / "odoo-bin"), *command, *connection.odoo_args(), "-d", dbname]
    command += args
    return subprocess.Popen(command, **popen)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def bridge_installed(connection, dbname):
    try:
        conn = connection.connect(dbname)
    except psycopg2.OperationalError:
        return False
    with conn, conn.cursor() as cur:
        cur.execute("SELECT state FROM ir_module_module WHERE name = 'credit_control_queue'")
        row = cur.fetchone()
    conn.close()
    return bool(row) and row[0] == "installed"


def build_template(connection, args):
    template = args.db + TEMPLATE_SUFFIX
    if not args.rebuild and bridge_installed(connection, template):
        return template
    started = time.perf_counter()
    copy_database(connection, args.db, template)
    install = odoo_bin(connection, template, "-i", "credit_control_queue", "--stop-after-init", "--log-level=warn")
    if install.wait() != 0:
        raise SystemExit("installing credit_control_queue failed")
    conn = connection.connect(template)
    with conn, conn.cursor() as cur:
        cur.execute(
            """
            UPDATE res_partner
               SET email = 'customer-' || id || '@example.com', street = id || ' Bench Street', city = 'Springfield'
             WHERE ref LIKE 'BENCH-%%' AND email IS NULL
            """
        )
    conn.close()
    print(f"template {template} ready in {time.perf_counter() - started:.0f} s", flush=True)
    return template


def prepare_run(connection, dbname, send, port):
    """A run of the first company with ``send`` communications left to send (the first by id)."""
    script = f"""
run = env["credit.dunning.run"].sudo().with_company(env.ref("base.main_company"))
run = run.create({{"company_id": run.env.company.id, "trigger": "cron"}})
run._prepare()
keep = run.communication_ids.sorted("id")[:{send}]
(run.communication_ids - keep).write({{"state": "cancelled"}})
params = env["ir.config_parameter"].sudo()
params.set_param("web.base.url", "http://127.0.0.1:{port}")
params.set_param("web.base.url.freeze", "True")
params.set_param("report.url", "http://127.0.0.1:{port}")
env.cr.commit()
print("RESULT", json.dumps([run.id, len(keep)]))
"""
    run_id, count = run_in_shell(connection, dbname, "import json\n" + script, 1800)
    return run_id, count


def run_in_shell(connection, dbname, script, timeout):
    shell = odoo_bin(
        connection,
        dbname,
        "--no-http",
        "--log-level=warn",
        command=("shell",),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    )
    out, _err = shell.communicate(script.encode(), timeout=timeout)
    for line in out.decode().splitlines():
        if line.startswith("RESULT "):
            return json.loads(line[7:])
    raise SystemExit("the shell script failed:\n" + out.decode()[-2000:])


def start_server(connection, dbname, port, workers, capacity=None):
    args = [
        "--http-interface=127.0.0.1",
        f"--http-port={port}",
        f"--workers={workers}",
        "--max-cron-threads=0",
        f"--db-filter=^{dbname}$",
        "--log-level=warn",
        "--limit-time-real=3600",
        "--limit-time-cpu=3600",
    ]
    env = dict(os.environ)
    if capacity:
        args.append("--load=web,queue_job")
        env["ODOO_QUEUE_JOB_CHANNELS"] = f"root:{capacity},root.credit_control.dunning:{capacity}"
    # the server's log (and the websocket worker's complaints, gevent lacks zope.interface here)
    log = open(SERVER_LOG, "ab")
    server = odoo_bin(connection, dbname, *args, env=env, start_new_session=True, stdout=log, stderr=log)
    log.close()
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return server
        except OSError:
            time.sleep(0.5)
    stop_server(server)
    raise SystemExit("odoo-bin did not start")


def stop_server(server):
    try:
        os.killpg(server.pid, signal.SIGTERM)  # the server we started and its workers
    except ProcessLookupError:
        return
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()


def outcome(connection, dbname, run_id):
    conn = connection.connect(dbname)
    with conn, conn.cursor() as cur:
        cur.execute(
            "SELECT state, COUNT(*) FROM credit_dunning_communication WHERE run_id = %s GROUP BY state", [run_id]
        )
        states = dict(cur.fetchall())
        cur.execute(
            """
            SELECT COUNT(*), COUNT(DISTINCT msg.res_id) FROM mail_mail m
              JOIN mail_message msg ON msg.id = m.mail_message_id
              JOIN credit_dunning_communication c ON c.id = msg.res_id
             WHERE msg.model = 'credit.dunning.communication' AND c.run_id = %s
            """,
            [run_id],
        )
        mails, mailed = cur.fetchone()
        cur.execute(
            """
            SELECT COUNT(*) FROM ir_attachment a
              JOIN credit_dunning_communication c ON c.id = a.res_id
             WHERE a.res_model = 'credit.dunning.communication' AND a.mimetype = 'application/pdf'
               AND c.run_id = %s
            """,
            [run_id],
        )
        pdfs = cur.fetchone()[0]
        cur.execute("SELECT state FROM credit_dunning_run WHERE id = %s", [run_id])
        run_state = cur.fetchone()[0]
    conn.close()
    return {"states": states, "emails": mails, "communications_emailed": mailed, "pdfs": pdfs, "run_state": run_state}


def scenario_inline(connection, template, args):
    dbname = args.db + RUN_SUFFIX
    copy_database(connection, template, dbname)
    port = free_port()
    run_id, count = prepare_run(connection, dbname, args.send, port)
    server = start_server(connection, dbname, port, workers=1)  # serves the report assets only
    try:
        script = f"""
import time
run = env["credit.dunning.run"].sudo().browse({run_id}).with_context(queue_job__no_delay=True)
started = time.perf_counter()
while run.state in ("previewed", "running"):
    if not run._execute(batch_size={args.batch}, max_batches=1):
        break
    env.cr.commit()
env.cr.commit()
print("RESULT", json.dumps({{"seconds": time.perf_counter() - started}}))
"""
        result = run_in_shell(connection, dbname, "import json\n" + script, args.timeout)
    finally:
        stop_server(server)
    result.update(outcome(connection, dbname, run_id), communications=count)
    return result


def scenario_jobs(connection, template, args, job_workers):
    dbname = args.db + RUN_SUFFIX
    copy_database(connection, template, dbname)
    port = free_port()
    run_id, count = prepare_run(connection, dbname, args.send, port)
    queued = run_in_shell(
        connection,
        dbname,
        f"""
import json
run = env["credit.dunning.run"].sudo().browse({run_id})
run._execute(batch_size={args.batch})
env.cr.commit()
print("RESULT", json.dumps({{"jobs": env["queue.job"].search_count([]), "state": run.state}}))
""",
        600,
    )
    started = time.perf_counter()
    server = start_server(connection, dbname, port, workers=job_workers + 1, capacity=job_workers)
    conn = connection.connect(dbname)
    conn.autocommit = True
    try:
        deadline = time.monotonic() + args.timeout
        while time.monotonic() < deadline:
            with conn.cursor() as cur:
                cur.execute("SELECT COUNT(*) FROM queue_job WHERE state NOT IN ('done', 'failed', 'cancelled')")
                if not cur.fetchone()[0]:
                    break
            time.sleep(1)
        wall = time.perf_counter() - started
        with conn.cursor() as cur:
            cur.execute(
                """
                SELECT EXTRACT(EPOCH FROM MAX(date_done) - MIN(date_started)), COUNT(*),
                       COUNT(*) FILTER (WHERE state = 'failed'), SUM(retry - 1)
                  FROM queue_job WHERE method_name = '_send_batch'
                """
            )
            seconds, jobs, failed, retries = cur.fetchone()
    finally:
        conn.close()
        stop_server(server)
    result = {
        "job_workers": job_workers,
        "http_workers": job_workers + 1,
        "jobs_queued": queued["jobs"],
        "send_jobs": jobs,
        "failed_jobs": failed,
        "retries": int(retries or 0),
        "seconds": float(seconds or 0.0),
        "wall_seconds_from_server_start": round(wall, 1),
        "communications": count,
    }
    result.update(outcome(connection, dbname, run_id))
    return result


def rates(result):
    seconds = result["seconds"] or float("inf")
    result["seconds"] = round(result["seconds"], 1)
    result["communications_per_minute"] = round(60 * result["communications"] / seconds, 1)
    result["pdfs_per_minute"] = round(60 * result["pdfs"] / seconds, 1)
    return result


def main():
    args = parse_args()
    connection = resolve_connection(args)
    if read_marker(connection, args.db) is None:
        raise SystemExit(f"{args.db} was not built by generate.py")
    template = build_template(connection, args)
    version = subprocess.run(["wkhtmltopdf", "--version"], capture_output=True, text=True, check=False).stdout.strip()
    figures = {"db": args.db, "send": args.send, "batch": args.batch, "wkhtmltopdf": version, "cpus": os.cpu_count()}
    figures["load_before"] = os.getloadavg()
    if not args.skip_inline:
        figures["inline"] = rates(scenario_inline(connection, template, args))
        print(json.dumps({"inline": figures["inline"]}), flush=True)
    for job_workers in [int(value) for value in args.workers.split(",")]:
        key = f"jobs:{job_workers}"
        figures[key] = rates(scenario_jobs(connection, template, args, job_workers))
        print(json.dumps({key: figures[key]}), flush=True)
    figures["load_after"] = os.getloadavg()
    base = figures.get("jobs:1")
    for key, result in figures.items():
        if not key.startswith("jobs:") or not isinstance(result, dict):
            continue
        if base and base["pdfs_per_minute"]:
            result["throughput_vs_jobs_1"] = round(result["pdfs_per_minute"] / base["pdfs_per_minute"], 2)
        if "inline" in figures and figures["inline"]["pdfs_per_minute"]:
            result["throughput_vs_inline"] = round(result["pdfs_per_minute"] / figures["inline"]["pdfs_per_minute"], 2)
    admin(connection, f'DROP DATABASE IF EXISTS "{args.db + RUN_SUFFIX}"')
    print(json.dumps(figures, indent=2, default=str))
    if args.json:
        with open(args.json, "w", encoding="utf-8") as out:
            json.dump(figures, out, indent=2, default=str)


if __name__ == "__main__":
    main()
