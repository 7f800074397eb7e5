"""The Atom feed of releases (feed.xml): one entry per release, with the changelog entries of its version."""

from __future__ import annotations

from xml.sax.saxutils import escape as xml_escape

from generator.site.extras.changelog import History
from generator.site.extras.citation import Citation


def atom_feed(c: Citation, history: History) -> str:
    """feed.xml: one entry per release (newest first), with the corrections dated up to it."""
    feed_url = c.url + "feed.xml"
    updated = (history.updated or "1970-01-01") + "T00:00:00Z"
    lines = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<feed xmlns="http://www.w3.org/2005/Atom">',
        f"  <title>{xml_escape(c.title)}: releases</title>",
        f"  <subtitle>{xml_escape(c.description)}</subtitle>",
        f'  <link rel="self" type="application/atom+xml" href="{xml_escape(feed_url)}"/>',
        f'  <link rel="alternate" type="text/html" href="{xml_escape(c.url)}"/>',
        f"  <id>{xml_escape(c.url)}</id>",
        f"  <updated>{updated}</updated>",
        "  <author><name>" + xml_escape(", ".join(c.authors)) + "</name></author>",
    ]
    previous = ""
    blocks = []
    for r in history.releases:
        fixes = [e for e in history.entries if previous < e["date"] <= r.date]
        body = xml_escape(r.notes or f"Version {r.version}.")
        if fixes:
            body += " Changes: " + " ".join(xml_escape(f"{e['date']}: {e['what']}") for e in fixes)
        blocks.append(
            [
                "  <entry>",
                f"    <title>Version {xml_escape(r.version)}</title>",
                f"    <id>{xml_escape(c.url)}#version-{xml_escape(r.version)}</id>",
                f'    <link rel="alternate" type="text/html" href="{xml_escape(c.url)}#updates-and-corrections"/>',
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
