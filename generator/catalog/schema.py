"""The catalog's schema (JSON Schema, checked with the jsonschema library) and the checks a schema cannot express.

Structural rules live in CATALOG_SCHEMA; cross-references and arithmetic rules (KV heads dividing query heads,
sources naming known references, figure reads naming real entries) live in ``semantic_errors``.
"""

from __future__ import annotations

from typing import Any

from generator.catalog.selection import RULES

#: Every pattern ends in ``$(?!\n)``: JSON Schema matches with a search, and Python's ``$`` also matches before a
#: final newline, so ``gpt-1\n`` would pass ``^...$``; the lookahead makes the pattern match the whole string (in
#: ECMA-262 regular expressions, the dialect of JSON Schema, ``$`` is the end already and the lookahead a no-op).
END = r"$(?!\n)"
ID_PATTERN = r"^[a-z0-9][a-z0-9._-]*" + END
FIGURE_ID_PATTERN = r"^[a-z][a-z0-9_]*" + END

# Upper bounds keep absurd values (a typo'd exponent, a hostile file) out of charts and calculators.
_pos_int = {"type": "integer", "exclusiveMinimum": 0, "maximum": 10**9}
_pos_num = {"type": "number", "exclusiveMinimum": 0, "maximum": 1e16}
_text = {"type": "string", "minLength": 1, "maxLength": 2000}
_verified_level = {"enum": ["yes", "secondary", "no", "arithmetic"]}
#: The day (or month) a claim that can go stale ("largest", "today", "latest") was last checked: ``make check`` lists
#: those older than twelve months (generator/site/assembly/check.py stale_claims).
_as_of = {"type": "string", "pattern": r"^20\d\d-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?" + END}
_sources = {"type": "array", "minItems": 1, "items": {"type": "string", "pattern": ID_PATTERN}}

ARCH_FIELDS = ["params", "layers", "d_model", "heads", "head_dim", "vocab", "attention", "embeddings", "positions"]

_model = {
    "type": "object",
    "additionalProperties": False,
    "required": ["name", "org", "released", "generation", "context", "techniques", "verified", "sources"],
    "properties": {
        "name": _text,
        "short_label": {"type": "string", "minLength": 1, "maxLength": 40},
        "org": _text,
        "released": {"type": "string", "pattern": r"^(19|20)\d\d-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?" + END},
        "released_note": _text,
        "generation": _text,
        "disclosed": {"type": "boolean"},
        "undisclosed_note": _text,
        "params": _pos_num,
        "params_note": _text,
        "layers": _pos_int,
        "layer_pattern": {"type": "string", "pattern": r"^[ME*-]+" + END},
        "d_model": _pos_int,
        "heads": _pos_int,
        "kv_heads": _pos_int,
        "head_dim": _pos_int,
        "ffn": _pos_int,
        "ffn_gated": {"type": "boolean"},
        "vocab": _pos_int,
        "embeddings": {"enum": ["tied", "untied"]},
        "positions": {"enum": ["learned", "rope", "none"]},
        "context": _pos_int,
        # A longer context the vendor advertises than the configured/trained ``context`` (Llama 4 Scout's "10M",
        # Nemotron 3 Nano's "up to 1M"): shown as advertised, never as the model's verified length.
        "context_advertised": _pos_int,
        "context_note": _text,
        "attention": {"enum": ["mha", "gqa", "mqa", "mla", "hybrid"]},
        "attention_note": _text,
        "attention_layers": _pos_int,
        "window": _pos_int,
        # Interleaved local and global attention: how many attention layers use ``window`` (a sliding window or a
        # chunk); the others attend to everything. Absent: every attention layer is windowed.
        "window_layers": _pos_int,
        # Why derive cannot compute this model's KV cache (a cache compressed along the sequence): its cache numbers
        # are then not applicable, and figures leave the model out with this note.
        "cache_unmodelled": _text,
        "mla": {
            "type": "object",
            "additionalProperties": False,
            "required": ["kv_lora_rank", "rope_dim"],
            "properties": {"kv_lora_rank": _pos_int, "rope_dim": _pos_int, "q_lora_rank": _pos_int},
        },
        "ssm": {
            "type": "object",
            "additionalProperties": False,
            "required": ["layers", "heads", "head_dim", "state", "groups", "conv_kernel"],
            "properties": {
                **{k: _pos_int for k in ["layers", "heads", "head_dim", "state", "groups", "conv_kernel"]},
                # Precision the recurrent state is kept in while serving (e.g. the config's mamba_ssm_cache_dtype);
                # absent: the same precision as the KV cache. The convolution buffer stays in the cache precision.
                "cache_dtype": {"enum": ["fp32", "fp16", "bf16", "fp8", "int8", "int4"]},
                # What the fixed-state layers are: Mamba-2 (the default) or a linear attention with a matrix state
                # per head (Gated DeltaNet, lightning attention, Kimi Delta Attention), so labels name the right one.
                "kind": {"enum": ["mamba2", "gated_deltanet", "lightning", "kda"]},
            },
        },
        "moe": {
            "type": "object",
            "additionalProperties": False,
            "required": ["routed_experts", "active_experts", "active_params"],
            "properties": {
                "routed_experts": _pos_int,
                "shared_experts": {"type": "integer", "minimum": 0},
                "active_experts": _pos_int,
                "active_params": _pos_num,
            },
        },
        "training_tokens": _pos_num,
        # The licence the weights are published under, as the publisher names it ("Apache-2.0", "Llama 3.1
        # Community License") and the address of its text (its source); shown with the model's facts (its number cards, the data export).
        "licence": {
            "type": "object",
            "additionalProperties": False,
            "required": ["name", "url"],
            "properties": {
                "name": {"type": "string", "minLength": 1, "maxLength": 120},
                "url": {"type": "string", "pattern": r"^https?://\S+" + END, "maxLength": 2000},
            },
        },
        "techniques": {
            "type": "array",
            "uniqueItems": True,
            "items": {"enum": ["flash", "gqa", "mqa", "mla", "moe", "ssm", "linear", "window", "sparse"]},
        },
        "verified": {"type": "object", "minProperties": 1, "additionalProperties": _verified_level},
        "sources": _sources,
    },
    "allOf": [
        {
            "if": {"properties": {"disclosed": {"const": False}}, "required": ["disclosed"]},
            "then": {"required": ["undisclosed_note"], "not": {"anyOf": [{"required": [f]} for f in ARCH_FIELDS]}},
            "else": {"required": ARCH_FIELDS},
        },
        {
            "if": {"properties": {"attention": {"enum": ["mha", "gqa", "mqa", "hybrid"]}}, "required": ["attention"]},
            "then": {"required": ["kv_heads"]},
        },
        {
            # derive.param_estimate recounts a dense transformer's parameters from its FFN width.
            "if": {
                "properties": {"attention": {"enum": ["mha", "gqa", "mqa"]}},
                "required": ["attention"],
                "not": {"required": ["moe"]},
            },
            "then": {"required": ["ffn"]},
        },
        {
            "if": {"properties": {"attention": {"const": "mla"}}, "required": ["attention"]},
            "then": {"required": ["mla"]},
        },
        {
            "if": {"properties": {"attention": {"const": "hybrid"}}, "required": ["attention"]},
            "then": {"required": ["attention_layers", "ssm"]},
        },
    ],
}

_hardware = {
    "type": "object",
    "additionalProperties": False,
    "required": ["name", "kind", "memory_gb", "verified", "sources"],
    "properties": {
        "name": _text,
        "short_label": _text,  # what a chart's device line says where the name is too long for it
        "kind": {"enum": ["consumer", "datacenter", "node"]},
        "memory_gb": _pos_num,
        "memory_type": _text,
        "bandwidth_tbps": _pos_num,
        "sram_kb_per_sm": _pos_num,
        "sms": _pos_int,
        "sram_bandwidth_tbps": _pos_num,
        "note": _text,
        "as_of": _as_of,
        "verified": _verified_level,
        "sources": _sources,
    },
}

#: Floats: sign/exponent/mantissa bits and how the top exponent is spent (``specials``, derive.SPECIALS); the
#: largest finite value is derived from these bits when the catalog loads (``max_finite``, exact), never typed.
#: Block-scaled formats (MXFP4, NVFP4) add the block size and the bits of the scale each block shares.
_format = {
    "type": "object",
    "additionalProperties": False,
    "required": ["name", "kind", "bits", "sign", "verified", "sources"],
    "properties": {
        "name": _text,
        "kind": {"enum": ["float", "int"]},
        "bits": _pos_int,
        "sign": {"enum": [0, 1]},
        "exponent": _pos_int,
        "mantissa": _pos_int,
        "specials": {"enum": ["ieee", "nan_only", "none"]},
        "block_size": _pos_int,
        "scale_bits": _pos_int,
        "scale_note": _text,
        "note": _text,
        "verified": _verified_level,
        "sources": _sources,
    },
    "if": {"properties": {"kind": {"const": "float"}}},
    "then": {"required": ["exponent", "mantissa"]},
    "dependentRequired": {"block_size": ["scale_bits"], "scale_bits": ["block_size"]},
}

_reference = {
    "type": "object",
    "additionalProperties": False,
    "required": ["title", "authors", "year", "url"],
    "properties": {
        "title": _text,
        "authors": _text,
        "year": {"type": "integer", "minimum": 1900, "maximum": 2100},
        "url": {"type": "string", "pattern": r"^https://[^\s\"'<>]+" + END},
        "note": _text,
        "venue": _text,
    },
}

_fact = {
    "type": "object",
    "additionalProperties": False,
    "required": ["value", "unit", "text", "verified", "sources"],
    "properties": {
        "value": {"type": "number"},
        "unit": {"type": "string", "maxLength": 20},
        "text": _text,
        "verified": _verified_level,
        "as_of": _as_of,
        "sources": _sources,
    },
}

_term = {
    "type": "object",
    "additionalProperties": False,
    "required": ["term", "definition", "match"],
    "properties": {
        "term": _text,
        "definition": _text,
        "match": {"type": "array", "minItems": 1, "items": {"type": "string", "minLength": 2, "maxLength": 80}},
        "sources": _sources,
    },
}

_ids = {"type": "array", "minItems": 1, "uniqueItems": True, "items": {"type": "string", "pattern": ID_PATTERN}}
_by_id = {"type": "object", "propertyNames": {"pattern": ID_PATTERN}, "additionalProperties": _text}
#: What a figure or widget shows (generator/catalog/selection.py): a list of models or a rule, devices, labels.
_selection = {
    "models": _ids,
    "select": {"enum": list(RULES)},  # the rules themselves: generator/catalog/selection.py
    "hardware": _ids,
    "labels": {
        "type": "object",
        "propertyNames": {"pattern": ID_PATTERN},
        "additionalProperties": {"type": "string", "minLength": 1, "maxLength": 40},
    },
    "notes": _by_id,
}

_figure = {
    "type": "object",
    "additionalProperties": False,
    "required": ["kind", "title", "alt", "reads"],
    "properties": {
        "kind": {"enum": ["chart", "scene", "table"]},
        "title": _text,
        "alt": _text,
        "caption": _text,
        "reads": {"type": "array", "minItems": 1, "items": {"type": "string", "minLength": 1}},
        **_selection,
    },
}

#: widgets.<name>: which models a widget lists (``models`` / ``select``) and starts on (``defaults``: role -> id);
#: ``note``: what the reader should know about that choice (why these models are set side by side).
_widget = {
    "type": "object",
    "additionalProperties": False,
    "properties": {**_selection, "defaults": _by_id, "note": _text},
}

_scaling = {
    "type": "object",
    "additionalProperties": False,
    "required": ["kaplan", "chinchilla"],
    "properties": {
        "kaplan": {
            "type": "object",
            "additionalProperties": False,
            "required": ["alpha_n", "n_c", "verified", "sources"],
            "properties": {
                "alpha_n": _pos_num,
                "n_c": _pos_num,
                "alpha_d": _pos_num,
                "d_c": _pos_num,
                "alpha_c": _pos_num,
                "n_exponent_compute": _pos_num,
                "verified": _verified_level,
                "sources": _sources,
            },
        },
        "chinchilla": {
            "type": "object",
            "additionalProperties": False,
            "required": ["params", "tokens", "verified", "sources"],
            "properties": {
                "params": _pos_num,
                "tokens": _pos_num,
                "gopher_params": _pos_num,
                "tokens_175b": _pos_num,
                "verified": _verified_level,
                "sources": _sources,
            },
        },
    },
}


def _section(item: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "object",
        "minProperties": 1,
        "propertyNames": {"pattern": ID_PATTERN},
        "additionalProperties": item,
    }


CATALOG_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "additionalProperties": False,
    "required": ["meta", "references", "models", "hardware", "formats", "scaling", "facts", "figures"],
    "properties": {
        "meta": {
            "type": "object",
            "additionalProperties": False,
            "required": ["title", "description"],
            "properties": {
                # The site's name: the theme prints mkdocs.yml's site_name (which must be this title) into HTML
                # without escaping it, so the title may not hold the characters that open a tag or close an
                # attribute (a title has no need of them: “curly quotes” and & are fine).
                "title": {
                    **_text,
                    "pattern": r'^[^<>"]+' + END,
                    "description": 'a title without <, > or " (the theme prints it unescaped; use “ ” for quotes)',
                },
                "description": _text,
                "built_from": _text,
                "licence_code": _text,
                "licence_media": _text,
                "authors": {"type": "array", "minItems": 1, "items": _text},
                "group": _text,
            },
        },
        "references": _section(_reference),
        "models": _section(_model),
        "hardware": _section(_hardware),
        "formats": _section(_format),
        "scaling": _scaling,
        "facts": _section(_fact),
        "glossary": _section(_term),
        "figures": {
            "type": "object",
            "minProperties": 1,
            "propertyNames": {"pattern": FIGURE_ID_PATTERN},
            "additionalProperties": _figure,
        },
        "widgets": {"type": "object", "propertyNames": {"pattern": ID_PATTERN}, "additionalProperties": _widget},
    },
}


# ---------------------------------------------------------------------------------------------------------------
# How the catalog's fields read on the page (with the schema, so a field and its words stay together; a test keeps
# every label's field a field of the schema)
# ---------------------------------------------------------------------------------------------------------------

#: What a field's number counts, written after the value in a formula ("80 layers", "3.35 TB/s"): provenance
#: cards (generator/site/article/provenance.py). Fields not listed read as their name with spaces.
FIELD_LABELS: dict[str, str] = {
    "params": "parameters",
    "kv_heads": "KV heads",
    "head_dim": "head dim",
    "d_model": "d_model",
    "ffn": "FFN width",
    "vocab": "vocabulary entries",
    "context": "tokens",
    "window": "window tokens",
    "training_tokens": "training tokens",
    "attention_layers": "attention layers",
    "memory_gb": "GB",
    "bandwidth_tbps": "TB/s",
    "sram_bandwidth_tbps": "TB/s SRAM",
    "sram_kb_per_sm": "KB per SM",
    "sms": "SMs",
    "bits": "bits",
    "exponent": "exponent bits",
    "mantissa": "mantissa bits",
    "max_finite": "largest finite value (derived from the bits)",
    "context_advertised": "tokens advertised",
    "window_layers": "windowed layers",
    "block_size": "values per block",
    "scale_bits": "scale bits",
    "kv_lora_rank": "latent width",
    "rope_dim": "RoPE key dim",
    "q_lora_rank": "query latent width",
    "active_params": "active parameters",
    "routed_experts": "routed experts",
    "shared_experts": "shared experts",
    "active_experts": "active experts",
    "conv_kernel": "conv kernel",
    "alpha_n": "α_N",
    "n_c": "N_c",
    "n_exponent_compute": "compute exponent",
    "tokens_175b": "tokens for 175B",
    "gopher_params": "Gopher parameters",
}
#: A field's name where the words after a value would not say what changed ("H100: memory (GB)"): the list of
#: updates (generator/site/extras/versions.py); other fields read as their FIELD_LABELS.
FIELD_NAMES: dict[str, str] = {
    "memory_gb": "memory (GB)",
    "bandwidth_tbps": "bandwidth (TB/s)",
    "sram_bandwidth_tbps": "SRAM bandwidth (TB/s)",
}


#: Fields the loader derives rather than reads (generator/catalog/model.py): labelled like the schema's own.
DERIVED_FIELDS = frozenset({"max_finite"})


def field_label(field: str) -> str:
    """How ``field``'s number reads after its value: FIELD_LABELS, else the name with spaces ("head dim")."""
    return FIELD_LABELS.get(field, field.replace("_", " "))


def field_name(field: str) -> str:
    """``field`` named in a list of changes: FIELD_NAMES, else its label."""
    return FIELD_NAMES.get(field) or field_label(field)


def meta_group(meta: dict[str, Any]) -> str:
    """The collective the article is credited to: ``meta.group``, else "<meta.title> contributors" (the one fallback,
    from the title). An organisation wherever one is told apart from a person (BibTeX, JSON-LD, CITATION.cff), never
    Scholar's citation_author, which names a person."""
    return str(meta.get("group") or f"{meta['title']} contributors")


def meta_people(meta: dict[str, Any]) -> list[str]:
    """The people the article is by (``meta.authors``), by name; none when none is named."""
    return [str(a) for a in meta.get("authors") or []]


def meta_authors(meta: dict[str, Any]) -> list[str]:
    """Who the article is by, as a reader sees it (the byline, the feed, the PDF): the people, else the group."""
    return meta_people(meta) or [meta_group(meta)]
