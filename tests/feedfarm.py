"""A feed farm: one asyncio process serving thousands of synthetic feeds, polite or hostile.

Feed i lives at http://127.0.0.<h>:<port>/feed/<i> (h spreads feeds over `hosts` loopback
addresses, so per-host limits see many hosts). Its behaviour is its *kind*:

  normal      items at a steady rate, ETag/Last-Modified, 304 when unchanged
  nocache     the same items with no validators (always a full 200)
  cached      normal plus Cache-Control max-age and an RSS <ttl>
  atom, rdf   the normal items as Atom 1.0 / RSS 1.0 (RDF)
  slow        answers after `slow_delay` seconds
  trickle     sends one byte every half second, forever
  hang        accepts and never answers
  e429, e503  429 / 503 with Retry-After (`retry_after` seconds); e500: plain 500
  moved301, moved308, temp302   redirect to /moved/<i> (which serves normal)
  win1256, iso8859_6, bom        Arabic items in windows-1256, ISO-8859-6, UTF-8 with BOM
  mislabelled  UTF-8 bytes under a "charset=ISO-8859-1" header
  wrongdecl    windows-1256 bytes declaring encoding="utf-8"
  malformed    good items, then broken markup and a truncated document
  laughs, quadratic, xxe         entity expansion (nested, one big entity) and external entities
  huge        declares a 3 GB Content-Length and streams; hugechunked: 100 MB without a length
  endless     an item stream that never ends; gzipbomb: 256 MB of zeros gzipped to ~250 KB
  guidstorm   new random guids on every request (no links); trackstorm: random query + guid
  html        an HTML page, not a feed

Item k of feed i is published at `published_at(i, k)`; its guid is "farm-<i>-<k>", so a
benchmark can tell, for any item it reads from Kafka, when the farm published it. Run as a
process: `python -m tests.feedfarm --feeds 10000 --hosts 50 --port 8700`.
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import math
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from email.utils import formatdate
from xml.sax.saxutils import escape

from aiohttp import web

ARABIC_TITLE = "وقف إطلاق النار في إدلب: الخبر رقم {k}"
KINDS = [
    "normal",
    "nocache",
    "cached",
    "atom",
    "rdf",
    "slow",
    "trickle",
    "hang",
    "e429",
    "e503",
    "e500",
    "moved301",
    "moved308",
    "temp302",
    "win1256",
    "iso8859_6",
    "bom",
    "mislabelled",
    "wrongdecl",
    "malformed",
    "laughs",
    "quadratic",
    "xxe",
    "huge",
    "hugechunked",
    "endless",
    "gzipbomb",
    "guidstorm",
    "trackstorm",
    "html",
]
HOSTILE = tuple(k for k in KINDS if k not in ("normal", "nocache", "cached", "atom", "rdf"))


@dataclass
class FarmConfig:
    feeds: int = 100
    # kind of feed i; feeds not listed are "normal"
    kinds: dict[int, str] = field(default_factory=dict)
    items: int = 10  # entries per document
    period: float = 600.0  # seconds between two items of one feed
    hosts: int = 1
    slow_delay: float = 2.0
    # Added to every answer: a server's think time plus a network round trip (0 for tests;
    # the benchmark uses 0.1 s, so that concurrency is measured as it matters on the internet).
    latency: float = 0.0
    retry_after: int = 120
    max_age: int = 900
    epoch: float = field(default_factory=time.time)

    def kind(self, i: int) -> str:
        return self.kinds.get(i, "normal")

    def offset(self, i: int) -> float:
        # Feeds publish out of step: feed i's phase is spread over one period.
        return (i * 0.6180339887 % 1.0) * self.period

    def published_at(self, i: int, k: int) -> float:
        return self.epoch + self.offset(i) + k * self.period

    def latest(self, i: int, now: float) -> int:
        return math.floor((now - self.epoch - self.offset(i)) / self.period)


class Farm:
    """The aiohttp application and its counters; `serve()` runs it until cancelled."""

    def __init__(self, config: FarmConfig) -> None:
        self.config = config
        self.requests: Counter[int] = Counter()
        self.statuses: Counter[int] = Counter()
        self.secret_hits = 0
        # Requests in progress per Host header, and the most at once: per-host limits show here.
        self.active: Counter[str] = Counter()
        self.peak: Counter[str] = Counter()
        # When each feed was last asked for, and (when, seconds since the feed's previous
        # request): what a publisher sees of a poller's politeness.
        self.last: dict[int, float] = {}
        self.gaps: list[tuple[float, float]] = []
        self._bomb: bytes | None = None
        self.app = web.Application()
        self.app.router.add_get("/feed/{i}", self.feed)
        self.app.router.add_get("/moved/{i}", self.moved)
        self.app.router.add_get("/secret", self.secret)
        self.app.router.add_get("/_stats", self.stats)
        self.ports: list[int] = []

    def url(self, i: int) -> str:
        host = f"127.0.0.{1 + i % self.config.hosts}"
        return f"http://{host}:{self.ports[0]}/feed/{i}"

    async def serve(self, port: int = 0, ready: Callable[[], None] | None = None) -> None:
        runner = web.AppRunner(self.app, access_log=None, handle_signals=False, shutdown_timeout=0.2)
        await runner.setup()
        try:
            first = web.TCPSite(runner, "127.0.0.1", port, backlog=4096)
            await first.start()
            bound = first._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
            self.ports = [bound]
            for h in range(2, self.config.hosts + 1):
                await web.TCPSite(runner, f"127.0.0.{h}", bound, backlog=4096).start()
            if ready is not None:
                ready()
            await asyncio.Event().wait()
        finally:
            await runner.cleanup()

    # --- handlers ------------------------------------------------------------------
    async def stats(self, request: web.Request) -> web.Response:
        since = float(request.query.get("since", "0"))
        gaps = sorted(gap for when, gap in self.gaps if when >= since)

        def q(f: float) -> float | None:
            return gaps[min(len(gaps) - 1, int(f * len(gaps)))] if gaps else None

        return web.json_response(
            {
                "requests": sum(self.requests.values()),
                "statuses": dict(self.statuses),
                "secret": self.secret_hits,
                "gap_p01": q(0.01),
                "gap_p50": q(0.5),
                "gap_p99": q(0.99),
                "gaps": len(gaps),
            }
        )

    async def secret(self, request: web.Request) -> web.Response:
        self.secret_hits += 1
        return web.Response(text="SECRET-FROM-INTERNAL-HOST")

    async def moved(self, request: web.Request) -> web.StreamResponse:
        i = int(request.match_info["i"])
        return self._count(i, await self._items(request, i, "normal"))

    async def feed(self, request: web.Request) -> web.StreamResponse:
        i = int(request.match_info["i"])
        kind = self.config.kind(i)
        handler = getattr(self, f"_k_{kind}", None)
        host = request.host
        self.active[host] += 1
        self.peak[host] = max(self.peak[host], self.active[host])
        try:
            if self.config.latency:
                await asyncio.sleep(self.config.latency)
            if handler is None:
                response: web.StreamResponse = await self._items(request, i, kind)
            else:
                response = await handler(request, i)
        finally:
            self.active[host] -= 1
        return self._count(i, response)

    def _count(self, i: int, response: web.StreamResponse) -> web.StreamResponse:
        self.requests[i] += 1
        self.statuses[response.status] += 1
        now = time.time()
        if i in self.last:
            self.gaps.append((now, now - self.last[i]))
        self.last[i] = now
        return response

    # --- documents -----------------------------------------------------------------
    def document(self, i: int, kind: str, now: float | None = None) -> tuple[bytes, int]:
        """Feed i's document now (RSS 2.0 unless the kind says otherwise) and its latest k."""
        c = self.config
        latest = c.latest(i, time.time() if now is None else now)
        ks = range(latest, latest - c.items, -1)
        host = f"127.0.0.{1 + i % c.hosts}"
        arabic = kind in ("win1256", "iso8859_6", "bom", "mislabelled", "wrongdecl")
        items = []
        for k in ks:
            title = ARABIC_TITLE.format(k=k) if arabic else f"Farm feed {i} story {k}"
            guid = f"farm-{i}-{k}"
            link = f"http://{host}/a/{i}/{k}"
            if kind == "guidstorm":
                guid, link = uuid.uuid4().hex, ""
            elif kind == "trackstorm":
                guid, link = uuid.uuid4().hex, f"{link}?sid={uuid.uuid4().hex[:8]}"
            items.append((k, title, guid, link, formatdate(c.published_at(i, k), usegmt=True)))
        if kind == "atom":
            entries = "".join(
                f"<entry><title>{escape(t)}</title><id>{g}</id><link href='{escape(li)}'/>"
                f"<updated>{time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime(c.published_at(i, k)))}</updated>"
                f"<summary>Summary of {escape(t)}</summary></entry>"
                for k, t, g, li, _ in items
            )
            text = (
                "<?xml version='1.0' encoding='utf-8'?><feed xmlns='http://www.w3.org/2005/Atom'>"
                f"<title>Farm {i}</title><id>farm-{i}</id><updated>2020-01-01T00:00:00Z</updated>"
                f"{entries}</feed>"
            )
            return text.encode(), latest
        if kind == "rdf":
            entries = "".join(
                f"<item rdf:about='{escape(li)}'><title>{escape(t)}</title><link>{escape(li)}</link>"
                f"<description>Summary of {escape(t)}</description></item>"
                for _, t, _, li, _ in items
            )
            text = (
                "<?xml version='1.0' encoding='utf-8'?>"
                "<rdf:RDF xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#' xmlns='http://purl.org/rss/1.0/'>"
                f"<channel rdf:about='http://{host}/'><title>Farm {i}</title><link>http://{host}/</link>"
                f"<description>d</description></channel>{entries}</rdf:RDF>"
            )
            return text.encode(), latest
        body = "".join(
            f"<item><title>{escape(t)}</title>"
            + (f"<link>{escape(li)}</link>" if li else "")
            + f"<guid isPermaLink='false'>{g}</guid><pubDate>{d}</pubDate>"
            f"<description>&lt;p&gt;Summary of {escape(t)}&lt;/p&gt;</description></item>"
            for _, t, g, li, d in items
        )
        ttl = f"<ttl>{c.max_age // 60}</ttl>" if kind == "cached" else ""
        encoding = {"win1256": "windows-1256", "iso8859_6": "iso-8859-6"}.get(kind, "utf-8")
        text = (
            f"<?xml version='1.0' encoding='{encoding}'?><rss version='2.0'><channel>"
            f"<title>Farm {i}</title><link>http://{host}/</link><description>d</description>{ttl}"
            f"{body}</channel></rss>"
        )
        codec = {"win1256": "cp1256", "iso8859_6": "iso8859_6", "wrongdecl": "cp1256"}.get(kind, "utf-8")
        data = text.encode(codec)
        return (b"\xef\xbb\xbf" + data if kind == "bom" else data), latest

    async def _items(self, request: web.Request, i: int, kind: str) -> web.Response:
        body, latest = self.document(i, kind)
        headers = {}
        if kind not in ("nocache", "guidstorm", "trackstorm"):
            etag = f'"{i}-{latest}"'
            headers["ETag"] = etag
            headers["Last-Modified"] = formatdate(self.config.published_at(i, latest), usegmt=True)
            if request.headers.get("If-None-Match") == etag:
                return web.Response(status=304, headers=headers)
        if kind == "cached":
            headers["Cache-Control"] = f"max-age={self.config.max_age}"
        charset = {"win1256": "windows-1256", "iso8859_6": "iso-8859-6", "mislabelled": "ISO-8859-1"}
        ctype = "application/atom+xml" if kind == "atom" else "application/rss+xml"
        headers["Content-Type"] = f"{ctype}; charset={charset.get(kind, 'utf-8')}"
        return web.Response(body=body, headers=headers)

    # --- hostile kinds -------------------------------------------------------------
    async def _k_slow(self, request: web.Request, i: int) -> web.StreamResponse:
        await asyncio.sleep(self.config.slow_delay)
        return await self._items(request, i, "normal")

    async def _k_hang(self, request: web.Request, i: int) -> web.StreamResponse:
        await asyncio.sleep(3600)
        return web.Response(status=204)

    async def _stream(
        self, request: web.Request, chunks: Iterator[bytes], delay: float, **headers: str
    ) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "application/rss+xml", **headers})
        if "Content-Length" in headers:
            response.content_length = int(headers["Content-Length"])
        await response.prepare(request)
        with suppress(ConnectionError, asyncio.CancelledError, RuntimeError):
            for chunk in chunks:
                await response.write(chunk)
                if delay:
                    await asyncio.sleep(delay)
        return response

    async def _k_trickle(self, request: web.Request, i: int) -> web.StreamResponse:
        head = b"<?xml version='1.0'?><rss version='2.0'><channel><title>t</title>"
        return await self._stream(
            request, iter([head[j : j + 1] for j in range(len(head))] + [b" "] * 100_000), 0.5
        )

    async def _k_huge(self, request: web.Request, i: int) -> web.StreamResponse:
        chunk = b"<item><title>x</title></item>" * 2000
        return await self._stream(request, iter([chunk] * 100_000), 0.0, **{"Content-Length": str(3 * 2**30)})

    async def _k_hugechunked(self, request: web.Request, i: int) -> web.StreamResponse:
        chunk = b"<item><title>x</title></item>" * 2000
        return await self._stream(request, iter([b"<rss version='2.0'><channel>"] + [chunk] * 1700), 0.0)

    async def _k_endless(self, request: web.Request, i: int) -> web.StreamResponse:
        def forever() -> Iterator[bytes]:
            yield b"<rss version='2.0'><channel><title>endless</title>"
            k = 0
            while True:
                k += 1
                yield f"<item><title>story {k}</title><guid>e-{k}</guid></item>".encode() * 50

        return await self._stream(request, forever(), 0.001)

    async def _k_gzipbomb(self, request: web.Request, i: int) -> web.StreamResponse:
        if self._bomb is None:
            self._bomb = await asyncio.to_thread(gzip.compress, b"\0" * (256 * 2**20), 9)
        return web.Response(
            body=self._bomb, headers={"Content-Type": "application/rss+xml", "Content-Encoding": "gzip"}
        )

    async def _error(self, status: int, **headers: str) -> web.Response:
        return web.Response(status=status, text="error", headers=headers)

    async def _k_e429(self, request: web.Request, i: int) -> web.StreamResponse:
        return await self._error(429, **{"Retry-After": str(self.config.retry_after)})

    async def _k_e503(self, request: web.Request, i: int) -> web.StreamResponse:
        return await self._error(503, **{"Retry-After": str(self.config.retry_after)})

    async def _k_e500(self, request: web.Request, i: int) -> web.StreamResponse:
        return await self._error(500)

    async def _redirect(self, i: int, status: int) -> web.Response:
        return web.Response(status=status, headers={"Location": f"/moved/{i}"})

    async def _k_moved301(self, request: web.Request, i: int) -> web.StreamResponse:
        return await self._redirect(i, 301)

    async def _k_moved308(self, request: web.Request, i: int) -> web.StreamResponse:
        return await self._redirect(i, 308)

    async def _k_temp302(self, request: web.Request, i: int) -> web.StreamResponse:
        return await self._redirect(i, 302)

    async def _k_malformed(self, request: web.Request, i: int) -> web.StreamResponse:
        good, _ = self.document(i, "normal")
        broken = good.replace(
            b"</channel></rss>", b"<item><title>broken & <b>unclosed</title><item><title>cut"
        )
        return web.Response(body=broken, headers={"Content-Type": "application/rss+xml"})

    def _dtd_doc(self, dtd: str, title: str) -> bytes:
        return (
            f"<?xml version='1.0'?>\n<!DOCTYPE rss [\n{dtd}\n]>\n<rss version='2.0'><channel><title>t</title>"
            f"<item><title>{title}</title><link>http://x.example/1</link></item>"
            "<item><title>plain</title><link>http://x.example/2</link></item></channel></rss>"
        ).encode()

    async def _k_laughs(self, request: web.Request, i: int) -> web.StreamResponse:
        dtd = '<!ENTITY a0 "lol">' + "".join(
            f'<!ENTITY a{n} "{("&a" + str(n - 1) + ";") * 10}">' for n in range(1, 10)
        )
        return web.Response(body=self._dtd_doc(dtd, "&a9;"), content_type="application/rss+xml")

    async def _k_quadratic(self, request: web.Request, i: int) -> web.StreamResponse:
        doc = self._dtd_doc(f'<!ENTITY a "{"A" * 10_000}">', "&a;" * 30_000)
        return web.Response(body=doc, content_type="application/rss+xml")

    async def _k_xxe(self, request: web.Request, i: int) -> web.StreamResponse:
        dtd = (
            '<!ENTITY file SYSTEM "file:///etc/passwd">'
            f'<!ENTITY web SYSTEM "http://127.0.0.1:{self.ports[0]}/secret">'
        )
        return web.Response(body=self._dtd_doc(dtd, "&file;&web;"), content_type="application/rss+xml")

    async def _k_html(self, request: web.Request, i: int) -> web.StreamResponse:
        return web.Response(text="<html><body><h1>Maintenance</h1></body></html>", content_type="text/html")


@contextmanager
def running_farm(config: FarmConfig) -> Iterator[Farm]:
    """A farm serving from a background thread (for tests); stopped on exit."""
    farm = Farm(config)
    loop = asyncio.new_event_loop()
    ready = threading.Event()
    task: list[asyncio.Task[None]] = []

    def main() -> None:
        asyncio.set_event_loop(loop)
        task.append(loop.create_task(farm.serve(ready=ready.set)))
        with suppress(asyncio.CancelledError):
            loop.run_until_complete(task[0])
        loop.close()

    thread = threading.Thread(target=main, name="feedfarm", daemon=True)
    thread.start()
    if not ready.wait(10):
        raise RuntimeError("feed farm did not start")
    try:
        yield farm
    finally:
        loop.call_soon_threadsafe(task[0].cancel)
        thread.join(10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=10_000)
    parser.add_argument("--hosts", type=int, default=50)
    parser.add_argument("--port", type=int, default=8700)
    parser.add_argument("--period", type=float, default=600.0, help="seconds between items of a feed")
    parser.add_argument("--items", type=int, default=10)
    parser.add_argument("--epoch", type=float, default=None)
    parser.add_argument("--latency", type=float, default=0.0, help="seconds added to every answer")
    args = parser.parse_args()
    config = FarmConfig(
        feeds=args.feeds, items=args.items, period=args.period, hosts=args.hosts, latency=args.latency
    )
    if args.epoch is not None:
        config.epoch = args.epoch
    farm = Farm(config)
    asyncio.run(farm.serve(args.port, ready=lambda: print(f"ready {farm.ports[0]}", flush=True)))


if __name__ == "__main__":
    main()
