"""What the site publishes beside the article: figure pages (figure_pages), the data export (export), talk mode
(talk), and the changelog, releases, citation and feed (versions)."""
