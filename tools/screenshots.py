#!/usr/bin/env python3
"""Screenshots of the key screens, taken from a running demo database with headless Chromium.

`make screenshots` serves the demo database on a free port and runs this script against it, so
the pictures of the READMEs always show the current screens. It logs in through Odoo's JSON
session route, gives the session cookie to Chromium over the DevTools protocol, opens each screen
by its action's XML id (and record XML id), waits until the web client has rendered it and saves
a PNG at 1366 x 768.

    python tools/screenshots.py --url http://127.0.0.1:8070 --db credit_control_demo \
        --out credit_control/static/description/screenshots [--only overview,hold]
"""

import argparse
import base64
import json
import pathlib
import shutil
import subprocess
import sys
import tempfile
import time

import requests
import websocket

# name, login (lang comes from the user), action XML id, record XML id or None, CSS selector the
# screen shows once rendered, caption for the README.
SCREENS = [
    (
        "overview",
        "admin",
        "credit_control.action_credit_overview",
        None,
        ".o_credit_overview",
        "The overview a credit manager lands on",
    ),
    ("holds", "admin", "credit_control.action_credit_hold", None, ".o_list_renderer", "The hold queue"),
    (
        "hold",
        "admin",
        "credit_control.action_credit_hold",
        "credit_control.demo_hold_lumen",
        ".o_form_view",
        "A hold with its reasons, the salesperson's request and the decision buttons",
    ),
    (
        "order",
        "demo",
        "sale.action_quotations_with_onboarding",
        "credit_control.demo_order_harbor",
        ".o_form_view",
        "A quotation with the customer's credit signal",
    ),
    (
        "customer",
        "admin",
        "credit_control.action_credit_customer",
        "credit_control.demo_partner_harbor",
        ".o_form_view",
        "A customer's credit: limit, exposure, grade, score and signal",
    ),
    (
        "aging",
        "admin",
        "credit_control.action_credit_aging_live",
        None,
        ".o_pivot",
        "Receivable aging, live, as of any date",
    ),
    (
        "dunning",
        "admin",
        "credit_control.action_credit_dunning_communication",
        None,
        ".o_list_renderer",
        "Dunning communications before sending",
    ),
    (
        "request",
        "admin",
        "credit_control.action_credit_limit_request",
        "credit_control.demo_request_crescent",
        ".o_form_view",
        "A credit limit request in tiered approval",
    ),
    (
        "hold_zh",
        "demo_zh",
        "credit_control.action_credit_hold",
        "credit_control.demo_hold_lumen",
        ".o_form_view",
        "The same hold read by a Chinese credit manager",
    ),
]
WIDTH, HEIGHT = 1366, 768
PASSWORDS = {"admin": "admin", "demo": "demo", "demo_zh": "demo_zh"}


class Browser:
    """A headless Chromium driven over the DevTools protocol (one page)."""

    def __init__(self, executable):
        self.profile = tempfile.mkdtemp(prefix="cc_shots_")
        self.proc = subprocess.Popen(
            [
                executable,
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--hide-scrollbars",
                "--no-first-run",
                "--remote-debugging-port=0",
                f"--user-data-dir={self.profile}",
                f"--window-size={WIDTH},{HEIGHT}",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        port_file = pathlib.Path(self.profile, "DevToolsActivePort")
        deadline = time.monotonic() + 30
        while not (port_file.is_file() and port_file.stat().st_size > 5):
            if time.monotonic() > deadline or self.proc.poll() is not None:
                raise SystemExit(f"{executable} did not start (no DevTools port)")
            time.sleep(0.1)
        port = int(port_file.read_text().split()[0])
        pages = requests.get(f"http://127.0.0.1:{port}/json", timeout=10).json()
        page = next(p for p in pages if p["type"] == "page")
        self.ws = websocket.create_connection(page["webSocketDebuggerUrl"], timeout=60, suppress_origin=True)
        self.next_id = 0
        self.call("Page.enable")
        self.call("Emulation.setDeviceMetricsOverride", width=WIDTH, height=HEIGHT, deviceScaleFactor=1, mobile=False)

    def call(self, method, **params):
        self.next_id += 1
        self.ws.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv())
            if message.get("id") == self.next_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})

    def evaluate(self, expression):
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        return result.get("result", {}).get("value")

    def wait_for(self, selector, timeout=60):
        """Waits until `selector` is shown and the web client has no request or animation pending."""
        check = (
            "(() => { const el = document.querySelector(%s);"
            " return !!(el && el.offsetParent !== null && !document.querySelector('.o_loading_indicator')"
            " && !document.querySelector('.o-main-components-container .o_blockUI')); })()"
        ) % json.dumps(selector)
        deadline = time.monotonic() + timeout
        stable = 0
        while stable < 5:  # five checks in a row, 0.2 s apart: charts and lazy widgets are drawn
            if time.monotonic() > deadline:
                raise RuntimeError(f"{selector} not shown within {timeout} s")
            stable = stable + 1 if self.evaluate(check) else 0
            time.sleep(0.2)

    def screenshot(self, url, cookie, selector, path):
        self.call("Network.setCookie", name="session_id", value=cookie, url=url)
        self.call("Page.navigate", url=url)
        self.wait_for(selector)
        data = self.call("Page.captureScreenshot", format="png")["data"]
        path.write_bytes(base64.b64decode(data))

    def close(self):
        try:
            self.ws.close()
        finally:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
            shutil.rmtree(self.profile, ignore_errors=True)


def json_call(session, base, route, params):
    response = session.post(f"{base}{route}", json={"jsonrpc": "2.0", "method": "call", "params": params}, timeout=60)
    response.raise_for_status()
    payload = response.json()
    if payload.get("error"):
        raise RuntimeError(f"{route}: {payload['error'].get('data', {}).get('message') or payload['error']}")
    return payload["result"]


def login(base, db, user):
    session = requests.Session()
    json_call(session, base, "/web/session/authenticate", {"db": db, "login": user, "password": PASSWORDS[user]})
    return session


def res_id(session, base, xmlid):
    module, name = xmlid.split(".", 1)
    rows = json_call(
        session,
        base,
        "/web/dataset/call_kw/ir.model.data/search_read",
        {
            "model": "ir.model.data",
            "method": "search_read",
            "args": [[("module", "=", module), ("name", "=", name)], ["res_id"]],
            "kwargs": {},
        },
    )
    if not rows:
        raise RuntimeError(f"no record {xmlid} in the demo database")
    return rows[0]["res_id"]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", required=True)
    parser.add_argument("--db", required=True)
    parser.add_argument("--out", required=True, type=pathlib.Path)
    parser.add_argument("--browser", default=shutil.which("chromium") or shutil.which("google-chrome") or "chromium")
    parser.add_argument("--only", help="comma-separated screen names")
    args = parser.parse_args()
    only = set(args.only.split(",")) if args.only else None
    args.out.mkdir(parents=True, exist_ok=True)
    base = args.url.rstrip("/")
    admin = login(base, args.db, "admin")
    sessions = {}
    browser = Browser(args.browser)
    failed = 0
    try:
        for name, user, action, record, selector, _caption in SCREENS:
            if only and name not in only:
                continue
            url = f"{base}/odoo/action-{action}"
            try:
                if record:
                    url += f"/{res_id(admin, base, record)}"
                if user not in sessions:
                    sessions[user] = login(base, args.db, user)
                path = args.out / f"{name}.png"
                browser.screenshot(url, sessions[user].cookies["session_id"], selector, path)
                print(f"==> {path} ({user}: {url[len(base) :]})")
            except RuntimeError as error:
                failed += 1
                print(f"==> ERROR: {name}: {error}", file=sys.stderr)
    finally:
        browser.close()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
