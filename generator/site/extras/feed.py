"""The Atom feed of releases (feed.xml): one entry per release, with the changelog entries of its version."""

from __future__ import annotations

from generator.escape import xml
from generator.site.extras.changelog import History
from generator.site.extras.citation import Citation


def atom_feed(c: Citation, history: History) -> str:
    """feed.xml: one entry per release (newest first), with the corrections dated up to it."""
    feed_url = c.url + "feed.xml"
    updated = (history.updated or "1970-01-01") + "T00:00:00Z"
    lines = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<feed xmlns="http://www.w3.org/2005/Atom">',
        f"  <title>{xml(c.title)}: releases</title>",
        f"  <subtitle>{xml(c.description)}</subtitle>",
        f'  <link rel="self" type="application/atom+xml" href="{xml(feed_url)}"/>',
        f'  <link rel="alternate" type="text/html" href="{xml(c.url)}"/>',
        f"  <id>{xml(c.url)}</id>",
        f"  <updated>{updated}</updated>",
        "  <author><name>" + xml(", ".join(c.byline)) + "</name></author>",
    ]
    previous = ""
    blocks = []
    for r in history.releases:
        fixes = [e for e in history.entries if previous < e["date"] <= r.date]
        body = xml(r.notes or f"Version {r.version}.")
        if fixes:
            body += " Changes: " + " ".join(xml(f"{e['date']}: {e['what']}") for e in fixes)
        blocks.append(
            [
                "  <entry>",
                f"    <title>Version {xml(r.version)}</title>",
                f"    <id>{xml(c.url)}#version-{xml(r.version)}</id>",
                f'    <link rel="alternate" type="text/html" href="{xml(c.url)}#updates-and-corrections"/>',
                f"    <updated>{r.date}T00:00:00Z</updated>",
                f"    <summary>{body}</summary>",
                "  </entry>",
            ]
        )
        previous = r.date
    for b in reversed(blocks):
        lines += b
    lines.append("</feed>")
    return "\n".join(lines) + "\n"
