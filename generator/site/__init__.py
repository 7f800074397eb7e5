"""The site, in three rooms: ``article/`` (the article's templating: pages, their context, macros, provenance,
glossary, series, widgets, the scene player, storyboards), ``extras/`` (what is published beside the article: figure
pages, the data export, talk mode, versions) and ``assembly/`` (the build that assembles and publishes them with
MkDocs, budgets, ``make check``, the preview server)."""
