"""A strict, bounded YAML reader that remembers where every value came from.

PyYAML's safe loader already refuses object-constructing tags, but it silently keeps the last of two duplicate
keys, expands aliases without limit when the data is walked, and reads ``1.5e9`` as a string. This module
composes the node graph with the safe loader and converts it itself, so it can:

- refuse files over a size limit and bytes that are not UTF-8, with the line and column of the bad byte;
- refuse duplicate keys, naming both lines;
- refuse any tag but the plain YAML scalars, maps and sequences;
- count every node it produces, aliases included, and stop at a budget (an alias bomb fails fast, in bounded memory);
- read exponent floats (``175.0e9``, ``1e-3``) as numbers, and dates as plain strings;
- return a map from each field path to its (line, column) for error messages.
"""

from __future__ import annotations

import re
import stat
from pathlib import Path
from typing import Any

import yaml

from generator.errors import CatalogError, dotted

MAX_BYTES = 2 * 1024 * 1024
MAX_NODES = 200_000
#: Deepest nesting of mappings and lists (the catalog needs 5; PyYAML's recursive composer fails near 300).
MAX_DEPTH = 32

Marks = dict[tuple[Any, ...], tuple[int, int]]


class _Loader(yaml.SafeLoader):
    """SafeLoader with YAML 1.2-style floats (no sign needed in the exponent)."""


_Loader.yaml_implicit_resolvers = {k: list(v) for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()}
_FLOAT_RE = re.compile(
    r"""^(?:[-+]?(?:[0-9][0-9_]*)(?:\.[0-9_]*)?(?:[eE][-+]?[0-9]+)?
        |[-+]?\.[0-9_]+(?:[eE][-+]?[0-9]+)?
        |[-+]?\.(?:inf|Inf|INF)
        |\.(?:nan|NaN|NAN))$""",
    re.X,
)
# YAML 1.2 booleans: only true/false. "yes", "no", "on" and "off" stay strings (the catalog's verification levels
# are the words yes and no, and a country code NO must not turn into False).
_BOOL_RE = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")
for _first, _resolvers in _Loader.yaml_implicit_resolvers.items():
    _Loader.yaml_implicit_resolvers[_first] = [
        (tag, _BOOL_RE if tag == "tag:yaml.org,2002:bool" else rx) for tag, rx in _resolvers
    ]
for _first in list("-+0123456789."):
    _Loader.yaml_implicit_resolvers.setdefault(_first, [])
    # Ints keep priority (checked first); our float pattern only adds the exponent forms PyYAML misses.
    _Loader.yaml_implicit_resolvers[_first].append(("tag:yaml.org,2002:float", _FLOAT_RE))

_SCALAR_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
}
_MAP_TAG = "tag:yaml.org,2002:map"
_SEQ_TAG = "tag:yaml.org,2002:seq"


def _err(file: str, mark: Any, field: str, expected: str, found: str, hint: str = "") -> CatalogError:
    line = mark.line + 1 if mark is not None else None
    col = mark.column + 1 if mark is not None else None
    return CatalogError(file, line, col, field, expected, found, hint)


def _decode(raw: bytes, file: str) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        col = exc.start - (before.rfind(b"\n") + 1) + 1
        raise CatalogError(
            file, line, col, "", "UTF-8 text", f"the byte 0x{raw[exc.start]:02x}", "save the file as UTF-8"
        ) from None


def _file_kind(mode: int) -> str:
    for test, name in (
        (stat.S_ISDIR, "a folder"),
        (stat.S_ISFIFO, "a named pipe (FIFO)"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
    ):
        if test(mode):
            return name
    return "not a regular file"


def _too_deep(file: str, text: str) -> CatalogError:
    """Where nesting first goes deeper than MAX_DEPTH, found by walking the parser's events (no recursion)."""
    loader = _Loader(text)
    depth = 0
    try:
        while loader.check_event():
            event = loader.get_event()
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                depth += 1
                if depth > MAX_DEPTH:
                    return _err(file, event.start_mark, "", f"at most {MAX_DEPTH} levels of nesting", "deeper")
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                depth -= 1
    except yaml.YAMLError:
        pass
    finally:
        loader.dispose()
    return CatalogError(file, None, None, "", f"at most {MAX_DEPTH} levels of nesting", "deeper")


def load_yaml(path: Path | str, text: str | None = None) -> tuple[Any, Marks]:
    """Read one YAML document strictly. Returns (data, marks) or raises CatalogError."""
    path = Path(path)
    file = str(path)
    if text is None:
        text = _read_text(path)
    elif len(text.encode("utf-8")) > MAX_BYTES:
        raise CatalogError(file, None, None, "", f"a file of at most {MAX_BYTES} bytes", "more")
    node = _compose(file, text)
    converter = _Converter(file)
    try:
        return converter.convert(node, ()), converter.marks
    finally:
        converter.constructor.dispose()


def _read_text(path: Path) -> str:
    """The text of the catalog file, refused before reading when it is missing, not a regular file or too big."""
    file = str(path)
    try:
        st = path.stat()
    except FileNotFoundError:
        raise CatalogError(file, None, None, "", "an existing catalog file", "no such file") from None
    except OSError as exc:
        raise CatalogError(file, None, None, "", "a readable catalog file", exc.strerror or str(exc)) from None
    if not stat.S_ISREG(st.st_mode):  # checked before opening: a FIFO would block, /dev/zero never ends
        raise CatalogError(
            file, None, None, "", "a regular YAML file", _file_kind(st.st_mode), "pass the catalog file's path"
        )
    if st.st_size > MAX_BYTES:
        raise CatalogError(
            file,
            None,
            None,
            "",
            f"a file of at most {MAX_BYTES} bytes",
            f"{st.st_size} bytes",
            "split the data or raise generator.catalog.load.MAX_BYTES",
        )
    try:
        with open(path, "rb") as f:
            raw = f.read(MAX_BYTES + 1)  # bounded even if the file grows meanwhile
    except OSError as exc:
        raise CatalogError(file, None, None, "", "a readable catalog file", exc.strerror or str(exc)) from None
    if len(raw) > MAX_BYTES:
        raise CatalogError(file, None, None, "", f"a file of at most {MAX_BYTES} bytes", "more")
    return _decode(raw, file)


def _compose(file: str, text: str) -> yaml.Node:
    """The document's node tree (PyYAML's composer: no objects constructed), or a CatalogError at the bad mark."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
    except RecursionError:
        raise _too_deep(file, text) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise _err(file, mark, "", "well-formed YAML", exc.problem or "a syntax error", exc.context or "") from None
    except yaml.YAMLError as exc:  # pragma: no cover - PyYAML marks nearly everything
        raise CatalogError(file, None, None, "", "well-formed YAML", str(exc)) from None
    finally:
        loader.dispose()
    if node is None:
        raise CatalogError(file, 1, 1, "", "a mapping of catalog sections", "an empty document")
    return node


_NO_OBJECTS = "tags that construct objects are not allowed"


class _Converter:
    """Plain data from a node tree, recording the line and column of every path (``marks``), within MAX_NODES
    values (aliases expanded) and MAX_DEPTH levels, with plain tags only, string keys and no duplicate keys."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.marks: Marks = {}
        self.budget = MAX_NODES
        self.constructor = yaml.SafeLoader("")
        self.visited: set[int] = set()  # mappings and lists seen: one seen twice came through an alias
        self.aliased = False

    def convert(self, n: yaml.Node, path: tuple[Any, ...]) -> Any:
        self._count(n, path)
        self.marks.setdefault(path, (n.start_mark.line + 1, n.start_mark.column + 1))
        if isinstance(n, yaml.MappingNode):
            return self._mapping(n, path)
        if isinstance(n, yaml.SequenceNode):
            if n.tag != _SEQ_TAG:
                raise _err(self.file, n.start_mark, dotted(path), "a plain sequence", f"the tag {n.tag}", _NO_OBJECTS)
            return [self.convert(item, path + (i,)) for i, item in enumerate(n.value)]
        assert isinstance(n, yaml.ScalarNode)
        return self._scalar(n, path)

    def _count(self, n: yaml.Node, path: tuple[Any, ...]) -> None:
        """One more value: refuse past MAX_NODES (naming an alias bomb when aliases were seen) or MAX_DEPTH."""
        self.budget -= 1
        if self.budget < 0:
            if self.aliased:
                found, hint = "more (an alias bomb?)", "remove the repeated aliases"
            else:
                found, hint = "more", "split the data into fewer entries"
            expected = f"at most {MAX_NODES} values after expanding aliases"
            raise _err(self.file, n.start_mark, dotted(path), expected, found, hint)
        if len(path) > MAX_DEPTH:
            where = dotted(path[:3]) + "..."
            raise _err(self.file, n.start_mark, where, f"at most {MAX_DEPTH} levels of nesting", "deeper")
        if isinstance(n, (yaml.MappingNode, yaml.SequenceNode)):
            if id(n) in self.visited:
                self.aliased = True
            self.visited.add(id(n))

    def _mapping(self, n: yaml.MappingNode, path: tuple[Any, ...]) -> dict[str, Any]:
        if n.tag != _MAP_TAG:
            raise _err(self.file, n.start_mark, dotted(path), "a plain mapping", f"the tag {n.tag}", _NO_OBJECTS)
        out: dict[str, Any] = {}
        seen: dict[str, Any] = {}
        for key_node, value_node in n.value:
            key = self._key(key_node, path, seen)
            seen[key] = key_node.start_mark
            out[key] = self.convert(value_node, path + (key,))
            if not isinstance(value_node, yaml.ScalarNode):
                # A whole entry is located at its key; a scalar value at the value itself.
                self.marks[path + (key,)] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
        return out

    def _key(self, key_node: yaml.Node, path: tuple[Any, ...], seen: dict[str, Any]) -> str:
        """A mapping's key as a string: plain, not a merge key, not a repeat of one in ``seen``."""
        mark = key_node.start_mark
        if not isinstance(key_node, yaml.ScalarNode):
            raise _err(self.file, mark, dotted(path), "a plain key", "a complex key")
        if key_node.tag == "tag:yaml.org,2002:merge":
            raise _err(self.file, mark, dotted(path), "explicit keys", "a merge key '<<'", "write the fields out")
        key = self.convert(key_node, path + ("<key>",))
        if isinstance(key, (dict, list)) or key is None:
            raise _err(self.file, mark, dotted(path), "a string key", repr(key))
        key = str(key)
        if key in seen:
            raise _err(
                self.file,
                mark,
                dotted(path + (key,)),
                "each key once",
                f"a duplicate of the key on line {seen[key].line + 1}",
                "ids are the keys, so two entries cannot share one",
            )
        return key

    def _scalar(self, n: yaml.ScalarNode, path: tuple[Any, ...]) -> Any:
        if n.tag not in _SCALAR_TAGS:
            raise _err(self.file, n.start_mark, dotted(path), "a plain value", f"the tag {n.tag}", _NO_OBJECTS)
        if n.tag == "tag:yaml.org,2002:timestamp":
            return n.value  # dates stay strings: the catalog compares and prints them, never computes with them
        if n.tag == "tag:yaml.org,2002:float":
            return (
                float(n.value.replace("_", ""))
                if not n.value.lower().lstrip("+-").startswith(".")
                else self.constructor.construct_yaml_float(n)
            )
        return self.constructor.construct_object(n)
