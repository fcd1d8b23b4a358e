"""Static files for phones and slow networks: content-fingerprinted, gzipped copies served by
WhiteNoise with a one-year ``immutable`` cache, so a page after the first downloads only its HTML.

At app start ``init_app`` copies the app's ``static/`` files, the Bootstrap files the pages load
and a small icon sprite (only the icons the templates use, cut from Bootstrap Icons' 1.1 MB
sprite) into a build folder as ``name.<hash>.ext`` plus ``name.<hash>.ext.gz``. Templates keep
writing ``url_for('static', filename='css/app.css')`` (or ``'bootstrap.static'``): a URL-defaults
hook swaps in the fingerprinted name. A name not in the build (a file added while running) is
still served unhashed by Flask's own static route.

The build is keyed by content, so every process, test app and server writes the same names;
files are written atomically and kept once written (an old page may still ask for them).
"""

from __future__ import annotations

import gzip
import hashlib
import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import flask_bootstrap
from flask import Flask
from whitenoise import WhiteNoise

# The Bootstrap files base.html loads, relative to Bootstrap-Flask's bootstrap5 static folder.
BOOTSTRAP_FILES = ("css/bootstrap.min.css", "js/bootstrap.min.js", "umd/popper.min.js")
BOOTSTRAP_ICONS = (
    Path(flask_bootstrap.__file__).parent / "static/bootstrap5/icons/bootstrap-icons.svg"
)
# The generated sprite, under the "static" endpoint; templates/_macros/icons.html points at it.
SPRITE = "icons/icons.svg"
# Icons whose names are computed in a template or in Python, so the scan below cannot see them.
EXTRA_ICONS: frozenset[str] = frozenset()

ONE_YEAR = 365 * 24 * 60 * 60
_COMPRESSIBLE = {".css", ".js", ".svg", ".json", ".txt", ".md", ".map"}
_HASHED = re.compile(r"\.[0-9a-f]{12}\.\w+$")
# A call of the icons macro with a quoted name, in a template or Python source.
ICON_CALL = re.compile(r"""\bicon\(\s*(['"])([a-z0-9-]+)\1""")
_SYMBOL = re.compile(r'<symbol\b[^>]*\bid="([a-z0-9-]+)"[^>]*>.*?</symbol>', re.S)

PROJECT_ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Build:
    """Where the fingerprinted files are and which original name maps to which."""

    root: Path
    # endpoint -> {original filename: fingerprinted filename}
    names: dict[str, dict[str, str]] = field(default_factory=dict)


_builds: dict[tuple, Build] = {}


def used_icons(*roots: Path) -> set[str]:
    """Every icon name written literally as ``icon('…')`` under ``roots``, plus EXTRA_ICONS."""
    names = set(EXTRA_ICONS)
    for root in roots:
        for path in root.rglob("*"):
            if path.suffix in (".html", ".py") and path.is_file():
                names.update(m.group(2) for m in ICON_CALL.finditer(path.read_text("utf-8")))
    return names


def icon_sprite(names: set[str], source: Path = BOOTSTRAP_ICONS) -> bytes:
    """An SVG sprite with only the ``<symbol>``s named, cut from Bootstrap Icons' sprite."""
    symbols = {m.group(1): m.group(0) for m in _SYMBOL.finditer(source.read_text("utf-8"))}
    missing = sorted(names - symbols.keys())
    if missing:
        raise ValueError(f"Bootstrap Icons has no icon named {', '.join(missing)}")
    body = "".join(symbols[n] for n in sorted(names))
    return f'<svg xmlns="http://www.w3.org/2000/svg">{body}</svg>'.encode()


def fingerprinted(filename: str, content: bytes) -> str:
    """``css/app.css`` -> ``css/app.<12 hex digits of its SHA-256>.css``."""
    stem, dot, ext = filename.rpartition(".")
    digest = hashlib.sha256(content).hexdigest()[:12]
    return f"{stem}.{digest}.{ext}" if dot else f"{filename}.{digest}"


def _write_once(path: Path, content: bytes) -> None:
    """Write ``path`` unless it exists; atomically, as other processes may build at once."""
    if path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(content)
        os.chmod(tmp, 0o644)  # mkstemp makes it private; the web server may be another user
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _emit(root: Path, filename: str, content: bytes) -> str:
    name = fingerprinted(filename, content)
    target = root / name
    if not target.exists():
        if target.suffix in _COMPRESSIBLE:
            packed = gzip.compress(content, compresslevel=9, mtime=0)
            if len(packed) < len(content):
                _write_once(target.with_name(target.name + ".gz"), packed)
        _write_once(target, content)  # last: its presence means the build of it is complete
    return name


def _sources(app: Flask) -> dict[str, dict[str, Path]]:
    static = Path(app.static_folder or "")
    bootstrap = Path(app.blueprints["bootstrap"].static_folder or "")
    return {
        "static": {
            p.relative_to(static).as_posix(): p
            for p in sorted(static.rglob("*"))
            if p.is_file() and not p.name.startswith(".")
        },
        "bootstrap.static": {name: bootstrap / name for name in BOOTSTRAP_FILES},
    }


def _scanned(app: Flask) -> list[Path]:
    """The folders whose ``icon('…')`` calls decide the sprite: templates and the app's code."""
    return [Path(app.root_path) / (app.template_folder or "templates"), Path(app.root_path)]


def _stat_key(sources: dict[str, dict[str, Path]], root: Path) -> tuple:
    # Templates are read once per process: the sprite is built at app start, like the rest.
    files = [p for group in sources.values() for p in group.values()]
    return (str(root), *((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in files))


def build(app: Flask, root: Path) -> Build:
    """Fingerprinted and gzipped copies of the static files in ``root``; cached per process
    by the sources' sizes and times, and on disk by content."""
    sources = _sources(app)
    key = _stat_key(sources, root)
    if key in _builds:
        return _builds[key]
    result = Build(root=root)
    prefixes = {"static": "static", "bootstrap.static": "bootstrap"}
    for endpoint, files in sources.items():
        names = result.names.setdefault(endpoint, {})
        for filename, path in files.items():
            hashed = _emit(root / prefixes[endpoint], filename, path.read_bytes())
            names[filename] = hashed
    sprite = icon_sprite(used_icons(*_scanned(app)))
    result.names["static"][SPRITE] = _emit(root / "static", SPRITE, sprite)
    _builds[key] = result
    return result


class _StaticFiles(WhiteNoise):
    FOREVER = ONE_YEAR  # fingerprinted names never change content


def _add_headers(headers, path: str, url: str) -> None:
    headers["X-Content-Type-Options"] = "nosniff"
    del headers["Access-Control-Allow-Origin"]  # WhiteNoise's default; nobody else needs them


def build_dir(app: Flask) -> Path:
    """``ASSETS_DIR`` (config or environment), else ``.assets`` beside the code, else (code
    installed read-only) ``assets`` in the instance folder. A local disk serves fastest."""
    configured = app.config.get("ASSETS_DIR") or os.environ.get("ASSETS_DIR")
    if configured:
        return Path(configured)
    if os.access(PROJECT_ROOT, os.W_OK) or os.access(PROJECT_ROOT / ".assets", os.W_OK):
        return PROJECT_ROOT / ".assets"
    return Path(app.instance_path) / "assets"


def init_app(app: Flask) -> None:
    """Build the fingerprinted files and serve them in front of the app."""
    root = build_dir(app)
    result = build(app, root)
    app.extensions["assets"] = result

    @app.url_defaults
    def _fingerprint(endpoint: str, values: dict) -> None:
        names = result.names.get(endpoint)
        if names is not None and values.get("filename") in names:
            values["filename"] = names[values["filename"]]

    static_files = _StaticFiles(
        app.wsgi_app,
        immutable_file_test=lambda path, url: bool(_HASHED.search(url)),
        add_headers_function=_add_headers,
    )
    static_files.add_files(root / "static", prefix=app.static_url_path.strip("/") + "/")
    bootstrap_prefix = app.blueprints["bootstrap"].static_url_path or "/bootstrap/static"
    static_files.add_files(root / "bootstrap", prefix=bootstrap_prefix.strip("/") + "/")
    app.wsgi_app = static_files  # type: ignore[method-assign]
