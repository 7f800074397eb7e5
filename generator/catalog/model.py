"""Load and validate the catalog: YAML -> checked, plain Python data, or one precise CatalogError."""

from __future__ import annotations

import copy
import hashlib
import json
import math
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jsonschema

from generator import derive
from generator.catalog.load import Marks, load_yaml
from generator.catalog.schema import CATALOG_SCHEMA
from generator.errors import CatalogError, did_you_mean, dotted
from generator.format import curly_quotes

_VALIDATOR = jsonschema.Draft202012Validator(CATALOG_SCHEMA)

#: A figure's fields that are templates (the page macros, rendered in the sandbox): catalog.text's alt_text and
#: caption_text. Their quotes are set after rendering (a template's own ``m['gpt-1']`` must stay straight).
FIGURE_TEMPLATE_FIELDS = ("alt", "caption")


@dataclass
class Catalog:
    """The validated catalog. ``data`` is plain JSON-compatible data; ``marks`` maps field paths to (line, col)."""

    path: Path
    data: dict[str, Any]
    marks: Marks = field(repr=False, default_factory=dict)

    @property
    def models(self) -> dict[str, Any]:
        return self.data["models"]

    @property
    def hardware(self) -> dict[str, Any]:
        return self.data["hardware"]

    @property
    def formats(self) -> dict[str, Any]:
        return self.data["formats"]

    @property
    def references(self) -> dict[str, Any]:
        return self.data["references"]

    @property
    def figures(self) -> dict[str, Any]:
        return self.data["figures"]

    def where(self, path: tuple[Any, ...]) -> str:
        """Where a field is written, for a message: "catalog.yaml:14" (the file alone when no line is known)."""
        line, _ = _mark(self.marks, path)
        return f"{self.path}:{line}" if line else str(self.path)

    def slice(self, paths: list[str]) -> dict[str, Any]:
        """A sub-catalog holding only ``paths`` (each kept at its own place in the tree).

        A path may name one field of every entry of a section with ``*``: ``models.*.kv_heads`` gives
        ``{"models": {id: {"kv_heads": ...}}}`` for every model that has the field (entries without it are left
        out: an undisclosed model has no ``kv_heads``)."""
        out: dict[str, Any] = {}
        for p in sorted(paths):
            if ".*." in p:
                _slice_field(self.data, p, out)
                continue
            parts = split_path(self.data, p)
            node = out
            src: Any = self.data
            for part in parts[:-1]:
                src = src[part]
                node = node.setdefault(part, {})
            _merge(node, parts[-1], src[parts[-1]])
        return out

    def digest(self, paths: list[str] | None = None) -> str:
        """SHA-256 of the whole catalog or of a slice, over canonical JSON (key order and formatting ignored)."""
        data = self.data if paths is None else self.slice(paths)
        return hashlib.sha256(canonical_json(data).encode()).hexdigest()


def _merge(dest: dict[str, Any], key: str, value: Any) -> None:
    """Put ``value`` at ``dest[key]``, merging mappings (two reads of one entry's fields share its node)."""
    if isinstance(value, dict) and isinstance(dest.get(key), dict):
        for k, v in value.items():
            _merge(dest[key], k, v)
    else:
        dest[key] = copy.deepcopy(value)  # never a node of the catalog itself: later merges must not touch it


def _slice_field(data: dict[str, Any], path: str, out: dict[str, Any]) -> None:
    """Add ``<section>.*.<field...>`` to ``out``: that field of every entry of the section that has it."""
    section, _, rest = path.partition(".*.")
    keys = split_path(data, section)
    src: Any = data
    node = out
    for k in keys:
        src = src[k]
        node = node.setdefault(k, {})
    for item_id, item in src.items():
        field_keys = rest.split(".")
        value: Any = item
        for k in field_keys:
            if not isinstance(value, dict) or k not in value:
                break
            value = value[k]
        else:
            wrapped: Any = value
            for k in reversed(field_keys):
                wrapped = {k: wrapped}
            _merge(node, item_id, wrapped)


def field_read_error(data: dict[str, Any], path: str) -> tuple[str, list[str]] | None:
    """Why ``<section>.*.<field>`` names nothing (and the names it could have meant), or None when it is fine."""
    section, _, rest = path.partition(".*.")
    try:
        keys = split_path(data, section)
    except KeyError:
        return f"{path!r}: no section {section!r}", list(data)
    src: Any = data
    for k in keys:
        src = src[k]
    if not isinstance(src, dict) or not all(isinstance(v, dict) for v in src.values()):
        return f"{path!r}: {section!r} is not a section of entries", []
    first = rest.split(".")[0]
    known = sorted({f for item in src.values() for f in item})
    if first not in known:
        return f"{path!r}: no entry of {section!r} has a field {first!r}", known
    return None


def canonical_json(data: Any) -> str:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def split_path(data: dict[str, Any], dotted_path: str) -> list[str]:
    """Split ``models.llama-3.1-8b.layers`` into keys, matching ids that themselves contain dots."""
    parts: list[str] = []
    rest = dotted_path
    node: Any = data
    while rest:
        if not isinstance(node, dict):
            raise KeyError(dotted_path)
        match = None
        for key in sorted(node, key=len, reverse=True):
            if rest == key or rest.startswith(key + "."):
                match = key
                break
        if match is None:
            raise KeyError(dotted_path)
        parts.append(match)
        node = node[match]
        rest = rest[len(match) + 1 :]
    return parts


def _mark(marks: Marks, path: tuple[Any, ...]) -> tuple[int | None, int | None]:
    p = tuple(path)
    while p and p not in marks:
        p = p[:-1]
    return marks.get(p, (None, None))


def _describe(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str) if not isinstance(value, float) else repr(value)
    if len(text) > 60:
        text = text[:57] + "..."
    kind = {
        dict: "a mapping",
        list: "a list",
        str: "the string",
        bool: "the boolean",
        int: "the number",
        float: "the number",
        type(None): "nothing",
    }.get(type(value), type(value).__name__)
    return kind if kind in ("a mapping", "a list", "nothing") else f"{kind} {text}"


def _schema_error(file: str, marks: Marks, err: jsonschema.ValidationError) -> CatalogError:
    """One schema violation as a CatalogError at its line: an unknown or missing field and a bad id point at the
    key itself; everything else at the value, with what was expected (``_expected``)."""
    path = tuple(err.absolute_path)
    at_key = _key_error(err, path)
    if at_key is not None:
        key_path, expected, found, hint = at_key
        line, col = _mark(marks, key_path)
        return CatalogError(file, line, col, dotted(key_path), expected, found, hint)
    line, col = _mark(marks, path)
    expected, found, hint = _expected(err)
    return CatalogError(file, line, col, dotted(path), expected, found, hint)


def _key_error(err: jsonschema.ValidationError, path: tuple[Any, ...]) -> tuple[tuple[Any, ...], str, str, str] | None:
    """(path of the key, expected, found, hint) for the errors that are about a key rather than a value."""
    v, schema = err.validator, err.schema
    if v == "additionalProperties" and isinstance(err.instance, dict):
        allowed = list(schema.get("properties", {}))
        extra = [k for k in err.instance if k not in allowed]
        if extra and allowed:
            key = extra[0]
            return (
                path + (key,),
                f"one of the known fields: {', '.join(allowed)}",
                f"the unknown field {key!r}",
                did_you_mean(key, allowed),
            )
    if v == "required":
        missing = [k for k in schema["required"] if k not in err.instance]
        return (path + (missing[0],) if missing else path), "this required field", "it missing", ""
    if "propertyNames" in err.absolute_schema_path and v != "propertyNames" and isinstance(err.instance, str):
        # A bad id: jsonschema reports it at the section; point at the offending key itself.
        pattern = schema.get("pattern", "the id pattern")
        return path + (err.instance,), f"an id matching {pattern}", _describe(err.instance), ""
    return None


#: What a value breaking each schema keyword was expected to be (for the keywords with a fixed sentence).
_EXPECTED = {
    "type": lambda s: f"a value of type {s['type']}",
    "exclusiveMinimum": lambda s: f"a number > {s['exclusiveMinimum']}",
    "minimum": lambda s: f"a number >= {s['minimum']}",
    "maximum": lambda s: f"a number <= {s['maximum']:g} (a sensible size)",
    "pattern": lambda s: s.get("description") or f"text matching {s['pattern']}",
    "propertyNames": lambda s: "ids of lowercase letters, digits, '.', '-' or '_'",
    "minItems": lambda s: "a non-empty value",
    "minProperties": lambda s: "a non-empty value",
    "minLength": lambda s: "a non-empty value",
    "uniqueItems": lambda s: "no repeated items",
}


def _expected(err: jsonschema.ValidationError) -> tuple[str, str, str]:
    """(expected, found, hint) of a schema violation at a value."""
    v, schema = err.validator, err.schema
    if v == "enum":
        return (
            "one of " + ", ".join(map(str, schema["enum"])),
            _describe(err.instance),
            did_you_mean(err.instance, schema["enum"]),
        )
    if v == "not":
        return (
            "no architecture fields on a model marked disclosed: false",
            "architecture fields",
            "an undisclosed architecture is shown as undisclosed, never guessed",
        )
    if v in _EXPECTED:
        return _EXPECTED[v](schema), _describe(err.instance), ""
    return "a valid value", f"{_describe(err.instance)}: {err.message}", ""


def _walk_strings(node: Any, path: tuple[Any, ...]):
    if isinstance(node, dict):
        for k, v in node.items():
            yield path + (k,), k
            yield from _walk_strings(v, path + (k,))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _walk_strings(v, path + (i,))
    elif isinstance(node, str):
        yield path, node


def _invisible(text: str) -> str | None:
    """The first control or invisible formatting character (bidi overrides, zero-width joiners...), if any."""
    for ch in text:
        cat = unicodedata.category(ch)
        if (cat == "Cc" and ch not in "\n\t") or cat in ("Cf", "Co", "Cs"):
            return ch
    return None


def _walk_numbers(node: Any, path: tuple[Any, ...]):
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _walk_numbers(v, path + (k,))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _walk_numbers(v, path + (i,))
    elif isinstance(node, float):
        yield path, node


class _Report:
    """The semantic errors found so far, each at its line: ``err(path, expected, found, hint)``."""

    def __init__(self, file: str, marks: Marks) -> None:
        self.file, self.marks = file, marks
        self.errors: list[CatalogError] = []

    def err(self, path: tuple[Any, ...], expected: str, found: str, hint: str = "") -> None:
        line, col = _mark(self.marks, path)
        self.errors.append(CatalogError(self.file, line, col, dotted(path), expected, found, hint))

    def unknown(self, path: tuple[Any, ...], item: Any, known: Any, expected: str, found: str | None = None) -> None:
        """``item`` at ``path`` names nothing in ``known``: say what it should be, with "did you mean"."""
        self.err(path, expected, repr(item) if found is None else found, did_you_mean(item, known))


def _check_values(data: dict[str, Any], report: _Report) -> None:
    """Finite numbers of sensible size; text without invisible characters."""
    for path, value in _walk_numbers(data, ()):
        if not math.isfinite(value):
            report.err(path, "a finite number", repr(value))
        elif abs(value) > 1e300:
            report.err(path, "a number of sensible size", repr(value))
    for path, text in _walk_strings(data, ()):
        bad = _invisible(text)
        if bad is not None:
            report.err(
                path,
                "visible text",
                f"the invisible character U+{ord(bad):04X} ({unicodedata.name(bad, 'control')})",
                "remove it: it can reorder or hide text on the page",
            )


def _check_sources(data: dict[str, Any], report: _Report) -> None:
    """Every ``sources:`` entry names a reference."""
    refs = data.get("references", {})
    owners = [
        (section, item_id, item)
        for section in ("models", "hardware", "formats", "facts", "glossary")
        for item_id, item in (data.get(section) or {}).items()
    ]
    owners += [("scaling", name, data.get("scaling", {}).get(name, {})) for name in ("kaplan", "chinchilla")]
    for section, item_id, item in owners:
        for i, ref in enumerate(item.get("sources", [])):
            if ref not in refs:
                path = (section, item_id, "sources", i)
                report.unknown(path, ref, refs, "the id of a reference in 'references'", f"the unknown id {ref!r}")


def _check_heads(model_id: str, m: dict[str, Any], report: _Report) -> None:
    """KV heads against query heads and the attention kind (MHA: all, MQA: one, GQA: a divisor in between)."""
    heads, kv, att = m.get("heads"), m.get("kv_heads"), m.get("attention")
    path = ("models", model_id, "kv_heads")
    if heads and kv:
        if kv > heads:
            report.err(path, f"at most heads ({heads}) KV heads", str(kv))
        elif heads % kv:
            report.err(
                path, f"a divisor of heads ({heads})", str(kv), "each KV head serves an equal group of query heads"
            )
    if att == "mha" and heads and kv and kv != heads:
        report.err(path, f"kv_heads == heads ({heads}) for MHA", str(kv))
    if att == "mqa" and kv not in (None, 1):
        report.err(path, "1 KV head for MQA", str(kv))
    if att == "gqa" and heads and kv and not 1 < kv < heads:
        report.err(path, f"between 2 and {heads - 1} KV heads for GQA", str(kv), "1 is MQA and all of them is MHA")


def _check_layers(model_id: str, m: dict[str, Any], report: _Report) -> None:
    """Attention layers, window, layer pattern and experts fit the model's other numbers."""
    path = ("models", model_id)
    if m.get("attention_layers") and m.get("layers") and m["attention_layers"] > m["layers"]:
        report.err(path + ("attention_layers",), f"at most layers ({m['layers']})", str(m["attention_layers"]))
    if m.get("window_layers") and not m.get("window"):
        report.err(path + ("window_layers",), "a window for these layers (window:)", "window_layers alone")
    attention = m.get("attention_layers") if m.get("attention") == "hybrid" else m.get("layers")
    if m.get("window_layers") and attention and m["window_layers"] > attention:
        report.err(path + ("window_layers",), f"at most the attention layers ({attention})", str(m["window_layers"]))
    if m.get("context_advertised") and m.get("context") and m["context_advertised"] <= m["context"]:
        report.err(path + ("context_advertised",), f"more than context ({m['context']})", str(m["context_advertised"]))
    if m.get("window") and m.get("context") and m["window"] > m["context"]:
        report.err(path + ("window",), "a window no larger than the context", str(m["window"]))
    pattern = m.get("layer_pattern")
    if pattern and m.get("layers") and len(pattern) != m["layers"]:
        report.err(path + ("layer_pattern",), f"one letter per layer ({m['layers']})", f"{len(pattern)} letters")
    if pattern and m.get("attention_layers") and pattern.count("*") != m["attention_layers"]:
        expected = f"{m['attention_layers']} attention layers ('*')"
        report.err(path + ("layer_pattern",), expected, f"{pattern.count('*')}")
    moe = m.get("moe")
    if moe and moe["active_experts"] > moe["routed_experts"]:
        report.err(path + ("moe", "active_experts"), "at most routed_experts active", str(moe["active_experts"]))
    if moe and m.get("params") and moe["active_params"] > m["params"]:
        report.err(path + ("moe", "active_params"), "at most the total params", str(moe["active_params"]))


def _check_models(data: dict[str, Any], report: _Report) -> None:
    for model_id, m in data.get("models", {}).items():
        _check_heads(model_id, m, report)
        _check_layers(model_id, m, report)
    for fmt_id, f in data.get("formats", {}).items():
        if f.get("kind") == "float" and all(k in f for k in ("exponent", "mantissa")):
            if f["sign"] + f["exponent"] + f["mantissa"] != f["bits"]:
                total = f["sign"] + f["exponent"] + f["mantissa"]
                report.err(("formats", fmt_id, "bits"), f"sign + exponent + mantissa = {total}", str(f["bits"]))
            if f.get("specials") == "nan_only" and f["mantissa"] < 1:
                report.err(("formats", fmt_id, "mantissa"), "at least 1 mantissa bit (nan_only)", str(f["mantissa"]))


def _check_selections(data: dict[str, Any], report: _Report) -> None:
    """The models and devices a figure or widget names (lists, labels, notes, widget defaults) exist."""
    models, hardware = data.get("models", {}), data.get("hardware", {})
    for section in ("figures", "widgets"):
        for fig_id, fig in data.get(section, {}).items():
            for key, known, what in (("models", models, "model"), ("hardware", hardware, "device")):
                for i, item in enumerate(fig.get(key, [])):
                    if item not in known:
                        report.unknown((section, fig_id, key, i), item, known, f"the id of a {what} in {key!r}")
            named: list[tuple[tuple[str, ...], str]] = [
                ((key, item), item) for key in ("labels", "notes") for item in fig.get(key, {})
            ]
            named += [(("defaults", role), item) for role, item in fig.get("defaults", {}).items()]
            for tail, item in named:
                if item not in models:
                    report.unknown((section, fig_id, *tail), item, models, "the id of a model in 'models'")


def _check_reads(data: dict[str, Any], report: _Report) -> None:
    """Every ``reads:`` entry of a figure names a section, an entry or a field path of the catalog."""
    for fig_id, fig in data.get("figures", {}).items():
        for i, read in enumerate(fig.get("reads", [])):
            path = ("figures", fig_id, "reads", i)
            if ".*." in read:
                problem = field_read_error(data, read)
                if problem:
                    found, options = problem
                    report.unknown(
                        path, read.rpartition(".")[2], options, "a field path such as models.*.kv_heads", found
                    )
                continue
            try:
                split_path(data, read)
            except KeyError:
                top = read.split(".")[0]
                options = list(data) if top not in data else [f"{top}.{k}" for k in data[top]]
                report.unknown(path, read, options, "a catalog section or entry path", f"{read!r}, which names nothing")


#: The rules beyond the schema, in the order they run (errors are then sorted by line).
SEMANTIC_RULES = (_check_values, _check_sources, _check_models, _check_selections, _check_reads)


def semantic_errors(file: str, data: dict[str, Any], marks: Marks) -> list[CatalogError]:
    """Rules beyond the schema (SEMANTIC_RULES): finite numbers, visible text, known ids, divisibility, figure
    reads."""
    report = _Report(file, marks)
    for rule in SEMANTIC_RULES:
        rule(data, report)
    return report.errors


def load_catalog(path: Path | str) -> Catalog:
    """Load, validate and return the catalog at ``path``; raise the first CatalogError (in file order)."""
    path = Path(path)
    data, marks = load_yaml(path)
    file = str(path)
    if not isinstance(data, dict):
        raise CatalogError(file, 1, 1, "", "a mapping of catalog sections", _describe(data))
    schema_errors = list(_VALIDATOR.iter_errors(data))
    # A misspelt key also makes the real one "missing": report the misspelling (it carries the suggestion).
    misspelt_in = {tuple(e.absolute_path) for e in schema_errors if e.validator == "additionalProperties"}
    errors = [
        _schema_error(file, marks, e)
        for e in schema_errors
        if not (e.validator == "required" and tuple(e.absolute_path) in misspelt_in)
    ]
    if not errors:
        errors = semantic_errors(file, data, marks)
    if errors:
        errors.sort(key=lambda e: (e.line or 0, e.column or 0))
        raise errors[0]
    derive_format_maxima(data)
    typeset_quotes(data)
    return Catalog(path=path, data=data, marks=marks)


#: Catalog fields whose quotes stay as written (typeset_quotes): (section, entry or "*", field).
_NOT_TYPESET = tuple(("figures", "*", f) for f in FIGURE_TEMPLATE_FIELDS) + (("glossary", "*", "match"),)


def typeset_quotes(data: dict[str, Any]) -> None:
    """Set the quotes and apostrophes of every catalog string as the article sets them (format.curly_quotes:
    "Kaplan's" becomes "Kaplan’s", a quoted "10M" becomes “10M”), once, where the catalog is read: every output made
    from catalog text (the page and its title attributes, cards, glossary and references, chart text, alt text, the
    data files, BibTeX and CSL) then reads like the prose, and no sink sets them on its own. Keys (ids) are left as
    they are, and so are the fields in ``_NOT_TYPESET``: a figure's template fields (FIGURE_TEMPLATE_FIELDS, whose
    rendered text is set instead) and a glossary term's ``match`` phrases (found in the page's Markdown, where the
    prose's quotes are still straight)."""

    def walk(node: Any, path: tuple[Any, ...]) -> Any:
        if isinstance(node, dict):
            for key, value in node.items():
                node[key] = walk(value, path + (key,))
            return node
        if isinstance(node, list):
            return [walk(value, path + (i,)) for i, value in enumerate(node)]
        if isinstance(node, str):
            if any(len(path) >= len(p) and all(a in ("*", b) for a, b in zip(p, path)) for p in _NOT_TYPESET):
                return node
            return curly_quotes(node)
        return node

    walk(data, ())


def derive_format_maxima(data: dict[str, Any]) -> None:
    """Give every float format its largest finite value, computed exactly from its bits (derive.float_max_finite):
    the catalog never types it, so the page can print it to the last digit."""
    for f in data.get("formats", {}).values():
        if f.get("kind") == "float":
            f["max_finite"] = derive.float_max_finite(f["exponent"], f["mantissa"], f.get("specials", "ieee"))
