"""The catalog: YAML loaded with line numbers (load), its JSON Schema (schema), and validation into a Catalog
(model). Everything else imports from here."""

from generator.catalog.model import Catalog, canonical_json, load_catalog, split_path

__all__ = ["Catalog", "canonical_json", "load_catalog", "split_path"]
