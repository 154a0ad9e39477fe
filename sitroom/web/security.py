"""Guards of the web application: who may write, how big a body may be, what may be fetched.

- Writes need ``Authorization: Bearer <token>`` whenever a token is configured; a server
  listening beyond loopback refuses to start without one (``check_bind``).
- Request bodies are capped (413 with a JSON body), whether or not Content-Length is sent.
- URLs are fetched only when enabled, and never from loopback, private, link-local or other
  non-public addresses: the host is resolved, every address checked, and the connection
  pinned to a checked address (no DNS rebinding between check and fetch); redirects are
  followed by hand, each hop checked again.
"""
from __future__ import annotations

import hmac
import ipaddress
import json
import socket
from urllib.parse import urljoin, urlsplit

LOOPBACK_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost"}
SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"SAMEORIGIN"),
]
PAGE_CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
            "frame-src 'self'; frame-ancestors 'self'")
# /docs and /redoc: their vendored scripts and nothing from elsewhere (ReDoc's footer logo is a CDN image)
DOCS_CSP = ("default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
            "img-src 'self' data:; font-src 'self' data:; worker-src 'self' blob:; connect-src 'self'; "
            "object-src 'none'; base-uri 'none'; frame-ancestors 'self'")
REPORT_CSP = ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; "
              "form-action 'none'; frame-ancestors 'self'")


class Refused(ValueError):
    """A request sitroom will not carry out; the message says why."""


# -- binding and tokens -----------------------------------------------------------------------

def is_loopback(host: str) -> bool:
    """True for 127.0.0.0/8, ::1 and localhost."""
    host = host.strip("[]").lower()
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_bind(host: str, token: str | None) -> None:
    """Refuse to listen beyond loopback without a write token."""
    if not is_loopback(host) and not token:
        raise Refused(f"refusing to listen on {host} without a token: set SITROOM_TOKEN "
                      "(writes will need 'Authorization: Bearer <token>')")


def token_ok(expected: str | None, authorization: str | None) -> bool:
    """Whether the Authorization header carries the expected bearer token (always, when none is set)."""
    if not expected:
        return True
    scheme, _, given = (authorization or "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), expected.encode())


# -- request size -----------------------------------------------------------------------------

class _TooLarge(Exception):
    pass


class BodyLimit:
    """ASGI middleware: 413 (JSON) for a request body over ``max_bytes``; security headers on every answer."""

    def __init__(self, app, max_bytes: int):
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = dict(scope.get("headers") or [])
        length = headers.get(b"content-length")
        if length is not None:
            try:
                too_big = int(length) > self.max_bytes
            except ValueError:
                return await _json(send, 400, "bad Content-Length header")
            if too_big:
                return await _json(send, 413, f"request body over {self.max_bytes:,} bytes")
        seen = 0
        started = exceeded = False

        async def counted_receive():
            nonlocal seen, exceeded
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    exceeded = True
                    raise _TooLarge
            return message

        async def guarded_send(message):
            nonlocal started
            if exceeded:                       # the app caught the overflow: answer 413 instead
                if message["type"] == "http.response.start" and not started:
                    started = True
                    await _json(send, 413, f"request body over {self.max_bytes:,} bytes")
                return
            if message["type"] == "http.response.start":
                started = True
                have = {k.lower() for k, _ in message.get("headers", [])}
                message["headers"] = list(message.get("headers", [])) + [
                    (k, v) for k, v in SECURITY_HEADERS if k not in have]
            await send(message)

        try:
            await self.app(scope, counted_receive, guarded_send)
        except _TooLarge:
            if not started:
                started = True
                await _json(send, 413, f"request body over {self.max_bytes:,} bytes")


async def _json(send, status: int, detail: str) -> None:
    body = json.dumps({"detail": detail}).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(body)).encode())] + SECURITY_HEADERS})
    await send({"type": "http.response.body", "body": body})


# -- fetching URLs ----------------------------------------------------------------------------

def public_address(ip: str) -> bool:
    """True only for globally routable unicast addresses (an IPv4-mapped IPv6 is judged as IPv4)."""
    addr = ipaddress.ip_address(ip.split("%", 1)[0])
    if isinstance(addr, ipaddress.IPv6Address):
        if addr.is_site_local:
            return False
        addr = addr.ipv4_mapped or addr.sixtofour or addr     # judged by the IPv4 address inside
    return addr.is_global and not (addr.is_multicast or addr.is_loopback or addr.is_private
                                   or addr.is_link_local or addr.is_reserved or addr.is_unspecified)


def resolve_public(url: str) -> tuple[str, str, int]:
    """(host, a checked public IP, port) for an http(s) URL; Refused if any address is not public."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise Refused("only http and https URLs can be fetched")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise Refused("the URL's port is not a number between 0 and 65535") from None
    try:
        infos = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise Refused(f"cannot resolve {parts.hostname}") from None
    ips = sorted({info[4][0] for info in infos})
    if not ips or not all(public_address(ip) for ip in ips):
        raise Refused(f"{parts.hostname} is not a public address: not fetched")
    return parts.hostname, ips[0], port


def fetch(url: str, max_bytes: int, timeout: float = 10.0, hops: int = 3,
          total: float = 30.0) -> tuple[str, str]:
    """GET a public URL (pinned to its checked address); (final URL, text). Refused on any
    doubt, and when the whole fetch (redirects and a trickling body included) takes over
    `total` seconds."""
    import time

    import httpx
    deadline = time.monotonic() + total
    for _ in range(hops + 1):
        host, ip, port = resolve_public(url)
        parts = urlsplit(url)
        literal = f"[{ip}]" if ":" in ip else ip
        pinned = parts._replace(netloc=f"{literal}:{port}").geturl()
        headers = {"Host": parts.netloc.rsplit("@", 1)[-1], "User-Agent": "sitroom",
                   "Accept": "text/html, text/plain;q=0.9"}
        with httpx.Client(timeout=timeout, follow_redirects=False, trust_env=False) as client:
            with client.stream("GET", pinned, headers=headers,
                               extensions={"sni_hostname": host}) as r:
                if r.is_redirect and "location" in r.headers:
                    url = urljoin(url, r.headers["location"])
                    continue
                if r.status_code >= 400:
                    raise Refused(f"{url} answered {r.status_code}")
                body = b""
                for chunk in r.iter_bytes():
                    body += chunk
                    if time.monotonic() > deadline:
                        raise Refused(f"{url} took over {total:g} s: not fetched")
                    if len(body) > max_bytes:
                        raise Refused(f"{url} is over {max_bytes:,} bytes")
                return url, body.decode(r.encoding or "utf-8", errors="replace")
    raise Refused(f"{url}: too many redirects")
