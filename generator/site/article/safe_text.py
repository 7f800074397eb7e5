"""Catalog text as text: never code, never Markdown, never HTML.

Two rules for everything that comes from the catalog:

- A catalog string that is a template (a figure's ``alt``) is rendered by a bounded ImmutableSandboxedEnvironment
  (generator/catalog/text.py): it can call the number macros and read catalog values, but not reach Python
  internals (``{{ d.__builtins__... }}`` is a SecurityError), nor run long or grow large, and any error is reported
  at the catalog field's line.
- Every value a page prints with ``{{ ... }}`` is escaped by ``generator.escape.html`` (HTML *and* Markdown: the page
  is read as Markdown after Jinja2); catalog strings reach templates as ``generator.escape.Text``, which every
  markupsafe or Jinja2 sink escapes the same way. Macros that build HTML return ``generator.escape.Html``.

A value printed inside a Markdown code span would show its references literally: pages print values in
``<code>{{ ... }}</code>``, never between backticks. A value used as a Markdown link or image destination,
``[text]({{ x | url }})``, goes through the ``url`` filter (``generator.escape.url``) instead.
"""

from __future__ import annotations

import jinja2
from jinja2.sandbox import SandboxedEnvironment

from generator.escape import template_env


def page_env(
    loader: jinja2.BaseLoader | None, cls: type[SandboxedEnvironment] = SandboxedEnvironment
) -> jinja2.Environment:
    """The pages' environment: sandboxed (no Python internals), StrictUndefined, values escaped by escape.html.
    ``cls`` may be a SandboxedEnvironment subclass (the pages' one reports catalog lookups where they fail)."""
    return template_env(loader, cls, keep_trailing_newline=True)
