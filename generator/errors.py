"""Errors that tell an author exactly what to fix: file, line, column, field, expected, found, and a suggestion."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass
class CatalogError(Exception):
    """A problem in an input file, located precisely enough to jump to it."""

    file: str
    line: int | None
    column: int | None
    field: str
    expected: str
    found: str
    hint: str = ""

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        msg = f"{where}: {self.field or '(document)'}: expected {self.expected}, found {self.found}"
        if self.hint:
            msg += f" ({self.hint})"
        return msg


class BuildError(Exception):
    """A build step failed; the message names the input at fault."""


class GeneratorBug(BuildError):
    """A bug of ours met while doing an author's work (rendering a page): the message says where and that the fault
    is the generator's; the exception it met is its ``__cause__``, whose traceback the command line prints."""


class LayoutError(BuildError):
    """A chart or scene whose text overlaps other text or leaves the frame; names the figure and the labels."""


def did_you_mean(word: str, options: Iterable[str]) -> str:
    """A 'did you mean X?' hint for the closest known key, or '' if nothing is close."""
    close = difflib.get_close_matches(str(word), [str(o) for o in options], n=1, cutoff=0.6)
    return f"did you mean {close[0]!r}?" if close else ""


def dotted(path: Iterable[object]) -> str:
    """A field path as authors write it: models.gpt-3-175b.layers, sources[0]."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


#: What to do about the operating-system errors a build meets (by errno name).
_OS_HINTS = {
    "ENOSPC": "free some disk space and build again",
    "EDQUOT": "free some space within your quota and build again",
    "EACCES": "make it writable by this user (or pass another folder)",
    "EPERM": "make it writable by this user (or pass another folder)",
    "EROFS": "the file system is read-only: pass a writable folder",
    "EISDIR": "pass a file, not a folder",
    "ENOTDIR": "a path component is a file, not a folder",
    "EMFILE": "too many open files: raise the limit (ulimit -n)",
}


def os_error_text(exc: OSError, doing: str = "") -> str:
    """One line for an operating-system error: the file, what went wrong and what to do."""
    import errno as _errno

    name = _errno.errorcode.get(exc.errno or 0, "")
    where = exc.filename if exc.filename is not None else (doing or "a file")
    text = f"{where}: {exc.strerror or exc}"
    if doing and exc.filename is not None:
        text += f" ({doing})"
    hint = _OS_HINTS.get(name)
    if hint:
        text += f"; {hint}"
    return text
