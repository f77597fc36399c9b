"""Canonical URLs: one spelling per article link, so re-publications with tracking noise collide.

Rules (documented in the README, tested in tests/dedup/test_urls.py):
- scheme and host lower-cased; "www." kept (it can be a different site) but default ports dropped;
- fragments dropped (they never select a different article);
- tracking parameters dropped: utm_*, traffic_source, fbclid, gclid, dclid, msclkid, mc_cid,
  mc_eid, at_* (AT Internet / Piano, used by aljazeera.net), igshid, ref_src, cmpid, ocid, _ga;
- remaining query parameters sorted, so their order does not matter;
- AMP variants folded: a trailing "/amp" path segment, "amp/" prefix and "?amp" / "outputType=amp";
- percent-encoding normalised (Arabic slugs arrive both encoded and raw): decoded, then
  re-quoted the one canonical way;
- a trailing slash dropped except on the root path; empty path becomes "/".
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

_TRACKING_EXACT = frozenset(
    {
        "traffic_source",
        "fbclid",
        "gclid",
        "dclid",
        "msclkid",
        "mc_cid",
        "mc_eid",
        "igshid",
        "ref_src",
        "cmpid",
        "ocid",
        "_ga",
        "amp",
        "outputtype",
        "spm",
        "rss",
        "xtor",
    }
)
_TRACKING_PREFIXES = ("utm_", "at_", "pk_", "mtm_")
_DEFAULT_PORTS = {"http": 80, "https": 443}
_AMP_SUFFIX = re.compile(r"/amp/?$")
_AMP_PREFIX = re.compile(r"^/amp(/|$)")
# Characters left unquoted in a canonical path: RFC 3986 unreserved plus sub-delims and ":@/".
_PATH_SAFE = "/:@!$&'()*+,;=-._~"


def _is_tracking(name: str) -> bool:
    lowered = name.lower()
    return lowered in _TRACKING_EXACT or lowered.startswith(_TRACKING_PREFIXES)


def canonical_url(url: str | None) -> str | None:
    """Return the canonical form of an absolute http(s) URL, or None if it is not one."""
    if not url:
        return None
    url = url.strip()
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not parts.hostname:
        return None
    host = parts.hostname.lower().rstrip(".")
    try:
        host = host.encode("idna").decode("ascii") if not host.isascii() else host
    except UnicodeError:
        return None
    netloc = host if port in (None, _DEFAULT_PORTS[scheme]) else f"{host}:{port}"

    path = quote(unquote(parts.path), safe=_PATH_SAFE) or "/"
    path = _AMP_SUFFIX.sub("", path)
    path = _AMP_PREFIX.sub("/", path)
    if len(path) > 1:
        path = path.rstrip("/") or "/"

    params = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _is_tracking(k)]
    query = urlencode(sorted(params), quote_via=quote)
    return urlunsplit((scheme, netloc, path, query, ""))
