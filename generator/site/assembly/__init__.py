"""Assembly and delivery: the build (build), where and how it publishes (publish), size budgets (budgets),
``make check`` (check) and the live preview (serve)."""
