"""A static server for the built site that honours HTTP Range requests (so videos seek), optionally under a
subpath (to mimic https://USER.github.io/REPO/), plus the live-preview loop behind `make serve`.

``python -m http.server`` ignores Range; GitHub Pages honours it, so previews and tests use this instead.
"""

from __future__ import annotations

import contextlib
import http.server
import logging
import os
import re
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path

from generator.errors import BuildError
from generator.site.assembly.builders import DEFAULT_BUILDER
from generator.util.project import BuildPaths

log = logging.getLogger("serve")
_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")
#: Longest byte offset a Range may carry (10^18 bytes is beyond any file; int() refuses over 4,300 digits anyway).
_MAX_DIGITS = 18
#: A URL prefix: "/" or "/name/.../" of URL-path-safe characters.
_PREFIX = re.compile(r"^/(?:[A-Za-z0-9._~-]+/)*\Z")


def checked_prefix(prefix: str) -> str:
    """The serving prefix, which must start and end with "/" and hold only URL-path-safe characters."""
    if not _PREFIX.match(prefix) or "/../" in prefix or "/./" in prefix:
        raise BuildError(
            f"PREFIX={prefix!r}: expected a URL path that starts and ends with '/' and holds only letters, digits "
            "and . _ ~ - (such as /race-to-scale/)"
        )
    return prefix


class RangeRequestHandler(http.server.SimpleHTTPRequestHandler):
    """SimpleHTTPRequestHandler with single-range support and an optional URL prefix."""

    prefix = "/"
    extensions_map = {
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".mp4": "video/mp4",
        ".vtt": "text/vtt",
        ".webp": "image/webp",
        ".svg": "image/svg+xml",
        ".js": "text/javascript",
        ".json": "application/json",
        ".mov": "video/quicktime",
        ".srt": "application/x-subrip",
        ".woff2": "font/woff2",
    }

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - signature from the base class
        log.debug("%s " + format, self.address_string(), *args)

    def translate_path(self, path: str) -> str:
        if self.prefix != "/":
            if path.startswith(self.prefix):
                path = "/" + path[len(self.prefix) :]
            elif path + "/" == self.prefix:
                path = "/"
            else:
                # Outside the prefix: a path that cannot exist, so the base class answers 404.
                return os.path.join(self.directory, ".outside-prefix", "missing")
        return super().translate_path(path)

    def send_head(self):
        if "\x00" in urllib.parse.unquote(self.path):
            self.send_error(400, "NUL byte in the path")
            return None
        if self.path.rstrip("/") + "/" == self.prefix and not self.path.endswith("/"):
            self.send_response(301)
            self.send_header("Location", self.prefix)
            self.end_headers()
            return None
        header = self.headers.get("Range")
        path = self.translate_path(self.path.split("?", 1)[0].split("#", 1)[0])
        if os.path.isdir(path) and self.path.split("?", 1)[0].endswith("/"):
            index = os.path.join(path, "index.html")
            if os.path.isfile(index):
                path = index
        if not header and os.path.isfile(path) and self._wants_gzip(path):
            return self._send_gzip(path)
        if not header or os.path.isdir(path) or not os.path.isfile(path):
            return super().send_head()
        m = _RANGE.match(header.strip())
        size = os.path.getsize(path)
        if not m or (m.group(1) == "" and m.group(2) == ""):
            return super().send_head()
        if max(len(m.group(1)), len(m.group(2))) > _MAX_DIGITS:
            self.send_error(400, "Range offset too large")
            return None
        if m.group(1) == "":
            length = min(int(m.group(2)), size)
            start, end = size - length, size - 1
        else:
            start = int(m.group(1))
            end = min(int(m.group(2)), size - 1) if m.group(2) else size - 1
        if start >= size or start > end:
            self.send_response(416)
            self.send_header("Content-Range", f"bytes */{size}")
            self.end_headers()
            return None
        f = open(path, "rb")  # noqa: SIM115 - closed by copyfile's caller
        f.seek(start)
        self.send_response(206)
        self.send_header("Content-Type", self.guess_type(path))
        self.send_header("Content-Range", f"bytes {start}-{end}/{size}")
        self.send_header("Content-Length", str(end - start + 1))
        self.send_header("Accept-Ranges", "bytes")
        self.end_headers()
        self._remaining = end - start + 1
        return f

    _GZIP_TYPES = (".html", ".css", ".js", ".json", ".svg", ".xml", ".vtt", ".txt", ".map")

    def _wants_gzip(self, path: str) -> bool:
        """Compress text like GitHub Pages does, so audits measure what readers download."""
        return path.endswith(self._GZIP_TYPES) and "gzip" in self.headers.get("Accept-Encoding", "")

    def _send_gzip(self, path: str):
        import gzip
        import io

        with open(path, "rb") as f:
            body = gzip.compress(f.read(), compresslevel=6, mtime=0)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(path))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Vary", "Accept-Encoding")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)

    def end_headers(self) -> None:
        self.send_header("Accept-Ranges", "bytes")
        self.send_header("Cache-Control", "no-cache")
        super().end_headers()

    def copyfile(self, source, outputfile) -> None:
        remaining = getattr(self, "_remaining", None)
        if remaining is None:
            return super().copyfile(source, outputfile)
        try:
            while remaining > 0:
                chunk = source.read(min(1 << 16, remaining))
                if not chunk:
                    break
                outputfile.write(chunk)
                remaining -= len(chunk)
        except (BrokenPipeError, ConnectionResetError):
            pass
        finally:
            self._remaining = None


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    prefix = "/"


def make_server(
    root: Path,
    host: str = "127.0.0.1",
    port: int = 0,
    prefix: str = "/",
    base: type[RangeRequestHandler] = RangeRequestHandler,
) -> _Server:
    """A server for ``root`` at ``prefix``; ``base`` is the handler class (a test's subclass may answer a path its
    own way)."""
    prefix = checked_prefix(prefix)
    handler = partial(type("Handler", (base,), {"prefix": prefix}), directory=str(root))
    server = _Server((host, port), handler)
    server.prefix = prefix
    return server


@contextlib.contextmanager
def serve_directory(
    root: Path, port: int = 0, prefix: str = "/", base: type[RangeRequestHandler] = RangeRequestHandler
) -> Iterator[str]:
    """Serve ``root`` in a background thread; yields the base URL (ending in the prefix and a slash)."""
    server = make_server(Path(root), port=port, prefix=prefix, base=base)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        host, real_port = server.server_address[:2]
        assert isinstance(host, str)  # an AF_INET/AF_INET6 server's address is a str (the stubs allow bytes)
        yield f"http://{host}:{real_port}{server.prefix}"
    finally:
        server.shutdown()
        server.server_close()


def _snapshot(paths: list[Path]) -> dict[str, int]:
    out: dict[str, int] = {}
    for base in paths:
        if base.is_file():
            out[str(base)] = base.stat().st_mtime_ns
        elif base.is_dir():
            for p in base.rglob("*"):
                if p.is_file() and "__pycache__" not in p.parts:
                    out[str(p)] = p.stat().st_mtime_ns
    return out


def watch_and_rebuild(
    watched: list[Path], rebuild: Callable[[], None], stop: threading.Event, interval: float = 0.5
) -> None:
    """Poll ``watched`` for changes and call ``rebuild`` after each change settles."""
    last = _snapshot(watched)
    while not stop.is_set():
        time.sleep(interval)
        now = _snapshot(watched)
        if now != last:
            time.sleep(0.2)
            last = _snapshot(watched)
            try:
                rebuild()
            except Exception as exc:  # keep serving the last good site
                log.error("rebuild failed, still serving the previous site:\n%s", exc)


def watched_paths(paths: BuildPaths) -> list[Path]:
    """What the live preview watches: everything a build reads (the catalog, the pages, the figures, the theme
    overrides, the changelog and releases the Updates section lists, mkdocs.yml, pyproject.toml's budgets and
    settings) and the generator itself."""
    root = paths.root
    assert paths.catalog is not None  # set by BuildPaths.__post_init__
    names = ("docs", "figures", "generator", "overrides", "releases", "CHANGELOG.yaml", "mkdocs.yml", "pyproject.toml")
    return [paths.catalog, *(root / name for name in names)]


def live_preview(
    paths: BuildPaths, quality: str, host: str, port: int, prefix: str, builder: str = DEFAULT_BUILDER
) -> None:
    """``make serve``: build once (with the site ``builder``), serve the site, and rebuild (in a process of its own,
    under the build lock) on every change to what a build reads, until Ctrl-C. A failed build keeps serving the
    previous site."""
    checked_prefix(prefix)
    build_cmd = [sys.executable, "-m", "generator", "build", "--quality", quality, "--root", str(paths.root)]
    build_cmd += ["--catalog", str(paths.catalog), "--site", str(paths.site), "--cache", str(paths.cache)]
    build_cmd += ["--builder", builder]

    def rebuild() -> None:
        log.info("change detected: rebuilding")
        proc = subprocess.run(build_cmd)
        if proc.returncode != 0:
            raise BuildError(f"build exited with {proc.returncode}")

    try:
        rebuild()
    except BuildError as exc:
        log.error("%s; serving the previous site if there is one", exc)
    assert paths.site is not None
    server = make_server(paths.site, host=host, port=port, prefix=prefix)
    stop = threading.Event()
    threading.Thread(target=watch_and_rebuild, args=(watched_paths(paths), rebuild, stop), daemon=True).start()
    bound_host, bound_port = server.server_address[:2]
    log.info("serving %s at http://%s:%d%s (Ctrl-C to stop)", paths.site, bound_host, bound_port, server.prefix)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        server.server_close()
