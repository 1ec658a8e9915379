"""The library's restricted markup: what authors may write, and its rendering as escaped HTML.

Authors never write HTML. A text is blocks separated by blank lines:

- `## Heading` (and `### Smaller heading`);
- lines starting `- ` make a list, lines starting `1. ` (any number) a numbered list;
- lines starting `> ` make a chat, one message a line, `> Name: words` (the lesson plans' scenarios);
- anything else is a paragraph.

Inside a line: `**strong words**`, and `[words](/vi/report/)` links to a page of this site (a path
starting with one `/`) or a phone number (`tel:111`). Any other link is shown as its words alone, so
a text cannot send a child to another site. Everything else is escaped.
"""

import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

_LINK = re.compile(r"\[([^\]\n]+)\]\(([^)\s]+)\)")
_STRONG = re.compile(r"\*\*(.+?)\*\*")
_NUMBERED = re.compile(r"^\d{1,3}\. ")
_CHAT_LINE = re.compile(r"^([^:]{1,40}):\s*(.*)$")
_SAFE_TARGET = re.compile(r"^(/(?!/)[A-Za-z0-9/_\-.?=&#%]*|tel:\+?[0-9 ]{2,20})$")


def _inline(text: str) -> str:
    parts: list[str] = []
    position = 0
    for link in _LINK.finditer(text):
        parts.append(_strong(text[position : link.start()]))
        words, target = link.group(1), link.group(2)
        if _SAFE_TARGET.match(target):
            parts.append(f'<a href="{escape(target)}">{_strong(words)}</a>')
        else:
            parts.append(_strong(words))
        position = link.end()
    parts.append(_strong(text[position:]))
    return "".join(parts)


def _strong(text: str) -> str:
    return _STRONG.sub(lambda found: f"<strong>{found.group(1)}</strong>", escape(text))


def _block(lines: list[str]) -> str:
    first = lines[0]
    if first.startswith("### "):
        return f"<h3>{_inline(first[4:].strip())}</h3>" + (_block(lines[1:]) if lines[1:] else "")
    if first.startswith("## "):
        return f"<h2>{_inline(first[3:].strip())}</h2>" + (_block(lines[1:]) if lines[1:] else "")
    if all(line.startswith("- ") for line in lines):
        return "<ul>" + "".join(f"<li>{_inline(line[2:].strip())}</li>" for line in lines) + "</ul>"
    if all(_NUMBERED.match(line) for line in lines):
        items = "".join(f"<li>{_inline(_NUMBERED.sub('', line).strip())}</li>" for line in lines)
        return f"<ol>{items}</ol>"
    if all(line.startswith(">") for line in lines):
        return '<div class="chat">' + "".join(_chat_line(line[1:].strip()) for line in lines) + "</div>"
    return "<p>" + "<br>".join(_inline(line.strip()) for line in lines) + "</p>"


def _chat_line(line: str) -> str:
    said = _CHAT_LINE.match(line)
    if said is None:
        return f"<p>{_inline(line)}</p>"
    return f"<p><strong>{escape(said.group(1).strip())}:</strong> {_inline(said.group(2))}</p>"


def blocks(text: str) -> list[list[str]]:
    """The text's blocks, each a list of its non-empty lines."""
    found: list[list[str]] = []
    current: list[str] = []
    for raw in text.replace("\r\n", "\n").split("\n"):
        line = raw.rstrip()
        if line.strip():
            current.append(line.strip())
        elif current:
            found.append(current)
            current = []
    if current:
        found.append(current)
    return found


def render(text: str) -> SafeString:
    """The text as HTML: every character the author wrote escaped, only the markup above made tags."""
    return mark_safe("\n".join(_block(lines) for lines in blocks(text)))  # noqa: S308 - built escaped
