"""The tiny live page at GET /alerts: an EventSource on /alerts/stream rendering alerts as they come."""

from __future__ import annotations

import secrets

# Text goes into the DOM only through textContent (never innerHTML), so titles and snippets
# cannot inject markup; dir="auto" lets each Arabic or English line pick its own direction.
_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Wirewatch alerts</title>
<style>
body { font: 15px/1.45 system-ui, sans-serif; margin: 1.5rem; max-width: 60rem; }
#status { color: #666; }
li { list-style: none; border-bottom: 1px solid #ddd; padding: .6rem 0; }
.meta { color: #555; font-size: 13px; }
.sev-high, .sev-critical { color: #b00020; font-weight: 600; }
.snippet { unicode-bidi: plaintext; }
</style>
</head>
<body>
<h1>Wirewatch alerts</h1>
<p id="status">connecting…</p>
<ul id="alerts"></ul>
<script nonce="__NONCE__">
"use strict";
// Filters and ?token= given to this page are passed on to the stream unchanged.
const source = new EventSource("/alerts/stream" + window.location.search);
const list = document.getElementById("alerts");
const status = document.getElementById("status");
function el(tag, cls, text) {
  const node = document.createElement(tag);
  if (cls) node.className = cls;
  if (text !== undefined && text !== null) node.textContent = String(text);
  node.dir = "auto";
  return node;
}
source.onopen = () => { status.textContent = "live"; };
source.onerror = () => { status.textContent = "reconnecting…"; };
source.addEventListener("alert", (msg) => {
  const a = JSON.parse(msg.data);
  const li = el("li");
  const meta = el("div", "meta");
  meta.append(el("span", "sev-" + a.severity, a.severity.toUpperCase()), " ", a.rule, " · ",
              (a.tags.countries || []).join(", "), " · ", a.alerted);
  li.append(meta);
  let title = el("strong", null, a.title);
  if (a.url && /^https?:\\/\\//i.test(a.url)) {
    const link = el("a", null);
    link.href = a.url; link.rel = "noopener noreferrer"; link.target = "_blank";
    link.append(title); title = link;
  }
  li.append(el("div", null), el("div", "snippet", a.snippet));
  li.children[1].append(title);
  list.prepend(li);
  while (list.children.length > 200) list.lastChild.remove();
});
</script>
</body>
</html>
"""


def render_page() -> tuple[str, str]:
    """The page and the per-response nonce its Content-Security-Policy must allow."""
    nonce = secrets.token_urlsafe(16)
    return _PAGE.replace("__NONCE__", nonce), nonce
