"""The media kit: every scene as reusable files (kit), its manifest (manifest), what the site shows of it (page),
and a verifier that decodes every file against the manifest (verify)."""
