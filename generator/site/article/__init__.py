"""The article's templating: docs/*.md through Jinja2 with the page macros (pages, context), hover cards
(provenance), glossary terms, parts (series), catalog text as text (safe_text), widgets, the scene player and the
print storyboards."""
