"""The catalog: YAML loaded with line numbers (load), its JSON Schema (schema), validation into a Catalog (model),
and which models a figure or widget shows (selection).

Import from the module you use (``generator.catalog.model``, ``generator.catalog.selection``...): this package file
imports nothing, so a figure that imports selection does not load the loader, the schema and the validator, and
none of them is in its cache key (generator/render/keys.py follows imports, package files included)."""
