"""Chat robots: the exact signatures, payloads and answer codes of DingTalk custom robots,
Feishu custom bots and WeCom group robots, the rate limits and the back-off of the outbox."""

import base64
import hashlib
import hmac
import json
import re
from collections import namedtuple
from html import escape as html_escape
from urllib.parse import parse_qsl, quote_plus, urlencode, urlsplit, urlunsplit

DINGTALK = "dingtalk"
FEISHU = "feishu"
WECOM = "wecom"
DISCUSS = "discuss"

# (messages per minute, messages per second) each provider accepts from one robot
RATE_LIMITS = {
    DINGTALK: (20, 0),
    WECOM: (20, 0),
    FEISHU: (100, 5),
    DISCUSS: (0, 0),
}
# answer codes meaning "too many messages": wait, then send a digest
THROTTLE_CODES = {
    DINGTALK: {130101},
    FEISHU: {11232},
    WECOM: {45009},
}
# answer codes that mean the robot itself is misconfigured (no retry helps)
FATAL_CODES = {
    DINGTALK: {300001, 300005, 310000, 400013, 400101},
    FEISHU: {19001, 19021, 19022, 19024},
    WECOM: {93000, 93004, 93008, 40058},
}
REASONS = {
    (DINGTALK, 130101): "sending too fast",
    (DINGTALK, 310000): "signature, keyword or IP check failed",
    (DINGTALK, 300001): "invalid access token",
    (FEISHU, 19021): "bad signature or stale timestamp",
    (FEISHU, 19024): "keyword check failed",
    (FEISHU, 11232): "throttled",
    (WECOM, 45009): "throttled",
    (WECOM, 93000): "invalid webhook key",
}
MAX_ATTEMPTS = 5
BACKOFF_BASE = 60
BACKOFF_MAX = 3600

Answer = namedtuple("Answer", "ok throttled fatal code error")


def dingtalk_sign(secret, timestamp_ms):
    """DingTalk: base64 of HMAC-SHA256 keyed by the secret over "timestamp\\nsecret" (the
    caller URL-encodes it as a query parameter)."""
    message = "%s\n%s" % (timestamp_ms, secret)
    digest = hmac.new(secret.encode(), message.encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def feishu_sign(secret, timestamp_s):
    """Feishu: base64 of HMAC-SHA256 keyed by "timestamp\\nsecret" over an empty message."""
    key = "%s\n%s" % (timestamp_s, secret)
    return base64.b64encode(hmac.new(key.encode(), b"", hashlib.sha256).digest()).decode()


def add_query(url, params):
    """``url`` with ``params`` appended to its query string (URL-encoded)."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True) + list(params.items())
    return urlunsplit(parts._replace(query=urlencode(query, quote_via=quote_plus)))


def with_keyword(text, keyword):
    """Robots with a keyword check refuse a message without it: it is added when missing."""
    if keyword and keyword not in text:
        return "%s\n\n%s" % (text, keyword)
    return text


def build_request(kind, url, secret, keyword, title, markdown, now):
    """(URL, JSON body) of one markdown message; ``now`` is a POSIX time in seconds."""
    text = with_keyword(markdown, keyword)
    if kind == DINGTALK:
        if secret:
            timestamp = str(int(now * 1000))
            url = add_query(url, {"timestamp": timestamp, "sign": dingtalk_sign(secret, timestamp)})
        return url, {"msgtype": "markdown", "markdown": {"title": with_keyword(title, keyword), "text": text}}
    if kind == FEISHU:
        body = {
            "msg_type": "interactive",
            "card": {
                "header": {"title": {"tag": "plain_text", "content": title}},
                "elements": [{"tag": "markdown", "content": text}],
            },
        }
        if secret:
            timestamp = str(int(now))
            body = dict(timestamp=timestamp, sign=feishu_sign(secret, timestamp), **body)
        return url, body
    if kind == WECOM:
        return url, {"msgtype": "markdown", "markdown": {"content": "## %s\n%s" % (title, text)}}
    raise ValueError("unknown robot kind %r" % kind)


def parse_answer(kind, status, text):
    """What a robot's answer means: sent, throttled (wait, then digest), fatal (misconfigured)
    or an error worth a retry; the error is short and never quotes the request."""
    try:
        data = json.loads(text or "")
    except ValueError:
        data = None
    if not isinstance(data, dict):
        if status >= 400:
            return Answer(False, status == 429, False, None, "HTTP %s" % status)
        return Answer(False, False, False, None, "unreadable answer (HTTP %s)" % status)
    code = data.get("errcode") if kind in (DINGTALK, WECOM) else data.get("code", data.get("StatusCode"))
    if code is None and status < 400:
        return Answer(False, False, False, None, "unreadable answer (HTTP %s)" % status)
    try:
        code = int(code) if code is not None else None
    except (TypeError, ValueError):
        return Answer(False, False, False, None, "unreadable answer (HTTP %s)" % status)
    if code == 0 and status < 400:
        return Answer(True, False, False, 0, "")
    message = str(data.get("errmsg") or data.get("msg") or data.get("StatusMessage") or "")[:200]
    throttled = code in THROTTLE_CODES.get(kind, ()) or status == 429
    fatal = code in FATAL_CODES.get(kind, ())
    reason = REASONS.get((kind, code)) or message or "HTTP %s" % status
    return Answer(False, throttled, fatal, code, "error %s: %s" % (code, reason))


def redact(text, secrets):
    """``text`` with every secret, and any access token, key or signature in a URL, replaced
    by ***: errors are stored and logged, secrets never."""
    text = str(text or "")
    for secret in sorted(filter(None, secrets), key=len, reverse=True):
        text = text.replace(secret, "***")
        text = text.replace(quote_plus(secret), "***")
    return re.sub(r"(?i)(access_token|key|sign|timestamp|token)=[^&\s'\"]+", r"\1=***", text)


def backoff_seconds(attempt):
    """Seconds to wait before attempt ``attempt + 1``: 1, 2, 4, ... minutes, at most an hour."""
    return min(BACKOFF_BASE * 2 ** max(attempt - 1, 0), BACKOFF_MAX)


class RateWindow:
    """The recent sends of one robot, to stay within its per-minute and per-second limits."""

    def __init__(self, per_minute, per_second, sent=()):
        self.per_minute = per_minute
        self.per_second = per_second
        self.sent = sorted(sent)

    def _recent(self, now, span):
        return [stamp for stamp in self.sent if now - span < stamp <= now]

    def wait(self, now):
        """Seconds to wait before the next message may go (0: now)."""
        waits = [0.0]
        for limit, span in ((self.per_minute, 60.0), (self.per_second, 1.0)):
            recent = self._recent(now, span)
            if limit and len(recent) >= limit:
                waits.append(recent[-limit] + span - now)
        return max(waits)

    def free_slots(self, now):
        """How many messages may still go in the current minute (None: no limit)."""
        if not self.per_minute:
            return None
        return max(self.per_minute - len(self._recent(now, 60.0)), 0)

    def record(self, now):
        self.sent.append(now)


def markdown_html(text):
    """The little markdown of the messages (bold, links, list items, lines) as HTML, for a
    Discuss channel; everything else is escaped."""
    lines = []
    for line in html_escape(text or "").split("\n"):
        line = re.sub(r"\*\*(.+?)\*\*", r"<b>\1</b>", line)
        line = re.sub(r"\[([^\]]+)\]\((https?://[^)\s]+)\)", r'<a href="\2">\1</a>', line)
        if line.startswith("#"):
            line = "<b>%s</b>" % line.lstrip("# ")
        elif line.startswith("- "):
            line = "• " + line[2:]
        lines.append(re.sub(r"\\([\\*_\[\]`#])", r"\1", line))
    return "<br/>".join(lines)


def markdown_escape(text):
    """A name or a reason shown as is in markdown (no accidental bold, links or headings)."""
    return re.sub(r"([\\*_\[\]`#])", r"\\\1", str(text or ""))
