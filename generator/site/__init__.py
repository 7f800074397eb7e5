"""The site: pages from docs/ (pages, widgets, export), the build that assembles and publishes them with MkDocs
(build, budgets), and the local preview server (serve)."""
