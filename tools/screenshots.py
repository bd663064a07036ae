#!/usr/bin/env python3
"""Screenshots of the key screens, taken from a running demo database with headless Chromium.

`make screenshots` serves the demo database on a free port and runs this script against it, so
the pictures of the READMEs always show the current screens. It logs in through Odoo's JSON
session route, gives the session cookie to Chromium over the DevTools protocol, opens each screen
by its action's XML id (and record XML id), waits until the web client has rendered it and saves
a PNG at 1366 x 900.

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

# Each screen: file name, login (the user's language is the screen's), the action's XML id, the
# record (XML id, or a model and domain whose first record is shown), the CSS selector the
# screen shows once rendered, the caption of the READMEs.
SCREENS = [
    {
        "name": "overview",
        "login": "admin",
        "action": "credit_control.action_credit_overview",
        "ready": ".o_credit_overview_body .card",
        "caption": "The overview a credit manager lands on",
    },
    {
        "name": "holds",
        "login": "admin",
        "action": "credit_control.action_credit_hold",
        "ready": ".o_list_renderer .o_data_row",
        "caption": "The hold queue",
    },
    {
        "name": "hold",
        "login": "admin",
        "action": "credit_control.action_credit_hold",
        "record": ("credit.hold", [("order_id.client_order_ref", "=", "HL-55120")]),
        "ready": ".o_form_view .o_form_sheet",
        "caption": "A hold with its reasons and the decision buttons",
    },
    {
        "name": "order",
        "login": "demo",
        "action": "sale.action_quotations_with_onboarding",
        "record": "credit_control.demo_order_meridian",
        "ready": ".o_form_view .o_form_sheet",
        "caption": "A quotation with the customer's credit signal",
    },
    {
        "name": "customer",
        "login": "admin",
        "action": "credit_control.action_partner_credit",
        "record": "credit_control.demo_partner_harbor",
        "ready": ".o_form_view .o_form_sheet",
        "tab": "Credit",
        "caption": "A customer's credit: limit, exposure, grade, score and signal",
    },
    {
        "name": "aging",
        "login": "admin",
        "action": "credit_control.action_credit_aging_live",
        "ready": ".o_pivot table",
        "caption": "Receivable aging, live, as of any date",
    },
    {
        "name": "dunning",
        "login": "admin",
        "action": "credit_control.action_credit_dunning_communication",
        "record": ("credit.dunning.communication", [("partner_id.name", "=", "Harbor Logistics GmbH")]),
        "ready": ".o_form_view .o_form_sheet",
        "tab": "Preview",
        "caption": "A dunning communication previewed before sending",
    },
    {
        "name": "request",
        "login": "admin",
        "action": "credit_control.action_credit_limit_request",
        "record": "credit_control.demo_request_crescent",
        "ready": ".o_form_view .o_form_sheet",
        "caption": "A temporary increase in tiered approval",
    },
    {
        "name": "hold_zh",
        "login": "wang",
        "action": "credit_control.action_credit_hold",
        "record": ("credit.hold", [("order_id.client_order_ref", "=", "HL-55120")]),
        "ready": ".o_form_view .o_form_sheet",
        "caption": "The same hold read by Wang Fang, a Chinese credit manager",
    },
]
WIDTH, HEIGHT = 1366, 900
PASSWORDS = {"admin": "admin", "demo": "demo", "wang": "wang"}


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

    def screenshot(self, url, cookie, selector, path, tab=None):
        self.call("Network.setCookie", name="session_id", value=cookie, url=url)
        self.call("Page.navigate", url=url)
        self.wait_for(selector)
        if tab:  # a notebook page of the form, by its title in the user's language
            clicked = self.evaluate(
                "(() => { const link = [...document.querySelectorAll('.o_notebook .nav-link')]"
                ".find((a) => a.textContent.trim() === %s); if (link) { link.click(); } return !!link; })()"
                % json.dumps(tab)
            )
            if not clicked:
                raise RuntimeError(f"no tab {tab!r} on {url}")
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


def call(session, base, model, method, *args):
    return json_call(
        session,
        base,
        f"/web/dataset/call_kw/{model}/{method}",
        {"model": model, "method": method, "args": list(args), "kwargs": {}},
    )


def res_id(session, base, record):
    """The id of ``record``: an XML id, or (model, domain) for its first record."""
    if isinstance(record, tuple):
        model, domain = record
        ids = call(session, base, model, "search", domain)
        if not ids:
            raise RuntimeError(f"no {model} matching {domain} in the demo database")
        return ids[0]
    module, name = record.split(".", 1)
    rows = call(
        session, base, "ir.model.data", "search_read", [("module", "=", module), ("name", "=", name)], ["res_id"]
    )
    if not rows:
        raise RuntimeError(f"no record {record} in the demo database")
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
        for screen in SCREENS:
            name, user = screen["name"], screen["login"]
            if only and name not in only:
                continue
            url = f"{base}/odoo/action-{screen['action']}"
            try:
                if screen.get("record"):
                    url += f"/{res_id(admin, base, screen['record'])}"
                if user not in sessions:
                    sessions[user] = login(base, args.db, user)
                path = args.out / f"{name}.png"
                browser.screenshot(url, sessions[user].cookies["session_id"], screen["ready"], path, screen.get("tab"))
                print(f"==> {path} ({user}: {url[len(base) :]})")
            except RuntimeError as error:
                failed += 1
                print(f"==> ERROR: {name}: {error}", file=sys.stderr)
    finally:
        browser.close()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
