"""pulldown-cmark (through pyromark) as a second Markdown backend.

The Document builder in `parsing.py` reads markdown-it-py's token stream; this
module turns pulldown-cmark's events into that same stream (the same token
types, nesting, line maps, inline children and contents), so one builder serves
both parsers and no judgement can depend on which one read the file.  Events
carry UTF-8 byte ranges; a block's map is the half-open range of 0-based lines
its bytes cover, as markdown-it gives it.

Where the two readings of the same text differ, the difference is mended here:
pulldown-cmark has no paragraph in a tight list item (markdown-it has a hidden
one), puts a table's header cells in no row, unescapes a fence's info string,
keeps a heading's closing `#` run beside a tab, and reads a last line of only
spaces (or, into an unclosed fence, of only quote markers) that markdown-it
never sees.  What stays different (three pathological
inputs) is listed, with why, in tests/test_backends.py.
"""

from __future__ import annotations

import re
from bisect import bisect_right

import pyromark

_MARKDOWN = pyromark.Markdown(options=pyromark.Options.ENABLE_TABLES)

# inline tags with a markdown-it token pair
_PAIRS = {"Strong": "strong", "Emphasis": "em", "Link": "link"}
_ATX_OPENING = re.compile(rb" {0,3}#{1,6}(?=[ \t]|$)")
_CLOSING_HASHES = re.compile(rb"(?:^|[ \t])(#+[ \t]*)$")
_BLANK = re.compile(rb"[ \t\n]*")
_BLANK_CODES = frozenset(b" \t\n")


class Token:
    """The part of markdown-it's Token that the Document builder reads."""

    __slots__ = ("type", "tag", "map", "level", "content", "info", "children")

    def __init__(self, type: str, tag: str = "", map: list[int] | None = None, level: int = 0,
                 content: str = "", info: str = "", children: list[Token] | None = None):
        self.type = type
        self.tag = tag
        self.map = map
        self.level = level
        self.content = content
        self.info = info
        self.children = children

    def __repr__(self) -> str:
        return f"Token({self.type!r}, map={self.map}, content={self.content!r})"


class _Inline:
    """The inline content of one paragraph, heading or table cell being read."""

    __slots__ = ("map", "children", "start", "end", "image_depth", "synthetic")

    def __init__(self, map: list[int] | None, synthetic: bool = False):
        self.map = map
        self.children: list[Token] = []
        self.start = -1  # byte range of the inline source, for the token's content
        self.end = -1
        self.image_depth = 0  # inside an image: its alt text is not the paragraph's text
        self.synthetic = synthetic  # a tight list item's text: no paragraph event of its own


def tokens(text: str) -> list[Token]:
    """markdown-it-shaped block tokens (with inline children) for `text`."""
    last = text.rpartition("\n")[2]
    if last and not last.strip(" \t"):
        # markdown-it never reads a last line of only spaces and tabs (no newline after it)
        text = text[:-len(last)]
    return _Reader(text).read()


class _Reader:
    def __init__(self, text: str):
        self.text = text
        self.source = text.encode("utf-8")
        self.starts = [0]
        find = self.source.find
        at = find(b"\n")
        while at != -1:
            self.starts.append(at + 1)
            at = find(b"\n", at + 1)
        self.out: list[Token] = []
        self.level = 0
        self.inline: _Inline | None = None
        self.block: Token | None = None  # a code or HTML block collecting its text
        self.row_map: list[int] | None = None
        self.lists: list[str] = []
        self.quotes = 0  # block quotes open
        self.quoted_fences: list[Token] = []

    def line(self, offset: int) -> int:
        return bisect_right(self.starts, offset) - 1

    def map(self, span: dict) -> list[int]:
        start, end = span["start"], span["end"]
        source = self.source
        # a block nested after a tab can start at the newline before it
        if start < len(source) and source[start] in _BLANK_CODES:
            start = min(_BLANK.match(source, start).end(), max(end - 1, start))
        starts = self.starts
        return [bisect_right(starts, start) - 1, bisect_right(starts, max(end - 1, start))]

    def read(self) -> list[Token]:
        for event, span in _MARKDOWN.events_with_range(self.text, merge_text=True):
            if isinstance(event, str):  # SoftBreak, HardBreak, Rule
                if event == "Rule":
                    self.close_synthetic()
                    self.push("hr", "hr", self.map(span))
                else:
                    self.keep_trailing_whitespace(span)
                    self.add_inline(Token("softbreak" if event == "SoftBreak" else "hardbreak", "br"), span)
                continue
            (kind, value), = event.items()
            if kind == "Start":
                self.start(value, span)
            elif kind == "End":
                self.end(value if isinstance(value, str) else next(iter(value)), span)
            elif kind == "Text" and self.block is not None:
                self.block.content += value
            elif kind == "Html":
                self.block.content += value
            elif kind == "Text":
                self.add_text(value, span)
            elif kind == "Code":
                self.add_inline(Token("code_inline", "code", content=value), span)
            elif kind == "InlineHtml":
                self.add_inline(Token("html_inline", content=value), span)
        self.close_synthetic()
        last = len(self.starts)
        if last > 1 and not self.source[self.starts[-1]:].strip(b"> \t"):
            # nor does an unclosed fence take a last line of only quote markers
            for token in self.quoted_fences:
                if token.map[1] == last and token.map[0] < last - 1:
                    token.map[1] = last - 1
        return self.out

    def push(self, type: str, tag: str = "", map: list[int] | None = None, content: str = "",
             children: list[Token] | None = None) -> Token:
        token = Token(type, tag, map, self.level, content, "", children)
        self.out.append(token)
        return token

    def open(self, type: str, tag: str, span: dict) -> None:
        self.close_synthetic()
        self.push(type, tag, self.map(span))
        self.level += 1

    def close(self, type: str, tag: str) -> None:
        self.close_synthetic()
        self.level -= 1
        self.push(type, tag)

    def start(self, tag, span: dict) -> None:
        name = tag if isinstance(tag, str) else next(iter(tag))
        if name in _PAIRS or name == "Image":
            self.start_inline(name, span)
        elif name == "Paragraph":
            self.close_synthetic()
            place = self.map(span)
            self.push("paragraph_open", "p", place)
            self.inline = _Inline(list(place))
        elif name == "Heading":
            self.close_synthetic()
            level = tag["Heading"]["level"][1]
            place = self.map(span)
            self.push("heading_open", f"h{level}", place)
            self.inline = _Inline(list(place))
        elif name == "List":
            ordered = tag["List"] is not None
            self.lists.append("ol" if ordered else "ul")
            self.open("ordered_list_open" if ordered else "bullet_list_open", self.lists[-1], span)
        elif name == "Item":
            self.open("list_item_open", "li", span)
        elif name == "BlockQuote":
            self.open("blockquote_open", "blockquote", span)
            self.quotes += 1
        elif name == "CodeBlock":
            self.close_synthetic()
            fenced = isinstance(tag["CodeBlock"], dict)
            self.block = Token("fence" if fenced else "code_block", "code", self.map(span), self.level,
                               info=self.fence_info(span["start"]) if fenced else "")
            if fenced and self.quotes:
                self.quoted_fences.append(self.block)
        elif name == "HtmlBlock":
            self.close_synthetic()
            self.block = Token("html_block", "", self.map(span), self.level)
        elif name == "Table":
            self.open("table_open", "table", span)
        elif name == "TableHead":
            self.open("thead_open", "thead", span)
            self.open("tr_open", "tr", span)
            self.row_map = self.map(span)
        elif name == "TableRow":
            self.open("tr_open", "tr", span)
            self.row_map = self.map(span)
        elif name == "TableCell":
            self.inline = _Inline(self.row_map)
        # other blocks (footnotes, definition lists, metadata) are not enabled

    def end(self, name: str, span: dict) -> None:
        if name in _PAIRS or name == "Image":
            self.end_inline(name)
        elif name in ("Paragraph", "Heading"):
            if name == "Heading":
                self.drop_closing_hashes(span)
            self.flush_inline()
            self.push("paragraph_close" if name == "Paragraph" else "heading_close")
        elif name == "List":
            tag = self.lists.pop()
            self.close("ordered_list_close" if tag == "ol" else "bullet_list_close", tag)
        elif name == "Item":
            self.close("list_item_close", "li")
        elif name == "BlockQuote":
            self.close("blockquote_close", "blockquote")
            self.quotes -= 1
        elif name in ("CodeBlock", "HtmlBlock"):
            if self.block.type == "code_block" and not self.block.content.endswith("\n"):
                self.block.content += "\n"  # markdown-it ends every indented block with one
            self.out.append(self.block)
            self.block = None
        elif name == "Table":
            self.close("table_close", "table")
        elif name == "TableHead":
            self.close("tr_close", "tr")
            self.close("thead_close", "thead")
        elif name == "TableRow":
            self.close("tr_close", "tr")
        elif name == "TableCell":
            self.flush_inline()

    def fence_info(self, start: int) -> str:
        """The info string as written: markdown-it keeps its escapes and entities."""
        end = self.source.find(b"\n", start)
        opening = self.source[start:end if end >= 0 else len(self.source)].decode("utf-8")
        return opening.lstrip(opening[0])

    def drop_closing_hashes(self, span: dict) -> None:
        """CommonMark ends an ATX heading at a closing `#` run with spaces *or
        tabs* around it and trims both; pulldown-cmark keeps a run or a
        trailing space when a tab is there."""
        inline = self.inline
        last = inline.children[-1] if inline.children else None
        if last is None or last.type != "text" or "\t" not in last.content:
            return
        stripped = last.content.rstrip(" \t")
        inline.end -= len(last.content) - len(stripped)
        last.content = stripped
        start = span["start"]
        end = self.source.find(b"\n", start, span["end"])
        line = self.source[start:span["end"] if end < 0 else end]
        opening = _ATX_OPENING.match(line)
        closing = opening and _CLOSING_HASHES.search(line, opening.end())
        if not closing or inline.end <= start + closing.start(1):
            return
        tail = self.source[start + closing.start(1):inline.end].decode("utf-8").rstrip(" \t")
        if last.content.endswith(tail):
            last.content = last.content[:-len(tail)]
            inline.end -= len(tail)

    # -- inline content --

    def current_inline(self, span: dict) -> _Inline:
        if self.inline is None:  # text directly in a tight list item
            self.inline = _Inline(self.map(span), synthetic=True)
            self.push("paragraph_open", "p", self.inline.map)
        return self.inline

    def add_inline(self, token: Token, span: dict) -> None:
        inline = self.current_inline(span)
        if inline.image_depth:
            return
        if inline.start < 0:
            inline.start = span["start"]
        inline.end = span["end"]
        inline.children.append(token)

    def add_text(self, value: str, span: dict) -> None:
        inline = self.current_inline(span)
        children = inline.children
        if inline.image_depth:
            return
        if children and children[-1].type == "text":
            children[-1].content += value  # markdown-it joins adjacent text
            inline.end = span["end"]
        elif value:
            self.add_inline(Token("text", content=value), span)

    def keep_trailing_whitespace(self, span: dict) -> None:
        """CommonMark's line break takes a line's trailing spaces, not its tabs:
        markdown-it keeps `a\t` (and `a  \t`) as text before the break, where
        pulldown-cmark drops the whole whitespace run (and reads the second as a
        hard break; which kind of break is no matter to the Document)."""
        source = self.source
        newline = source.find(b"\n", span["start"])
        if newline <= 0 or source[newline - 1] not in (0x20, 0x09):
            return  # nothing trails the line (or a backslash break, which keeps what precedes it)
        start = newline
        while start > 0 and source[start - 1] in (0x20, 0x09):
            start -= 1
        inline = self.current_inline(span)
        if inline.start >= 0:
            start = max(start, inline.end)
        run = source[start:newline].decode("ascii")
        kept = run.rstrip(" ") if run.endswith("  ") else run[:-1] if run.endswith(" ") else run
        if kept:
            self.add_text(kept, {"start": start, "end": start + len(kept)})

    def start_inline(self, name: str, span: dict) -> None:
        inline = self.current_inline(span)
        if name == "Image":
            self.add_inline(Token("image", "img"), span)
            inline.image_depth += 1
        else:
            self.add_inline(Token(f"{_PAIRS[name]}_open", _PAIRS[name]), span)

    def end_inline(self, name: str) -> None:
        inline = self.inline
        if name == "Image":
            inline.image_depth -= 1
        elif not inline.image_depth:
            inline.children.append(Token(f"{_PAIRS[name]}_close", _PAIRS[name]))

    def flush_inline(self) -> None:
        inline = self.inline
        if inline is None:
            return
        if inline.synthetic:  # ends on the line of its last event
            inline.map[1] = self.line(max(inline.end - 1, inline.start)) + 1
        content = self.source[inline.start:inline.end].decode("utf-8").strip() if inline.start >= 0 else ""
        self.push("inline", "", inline.map, content=content, children=inline.children)
        self.inline = None

    def close_synthetic(self) -> None:
        if self.inline is not None and self.inline.synthetic:
            self.flush_inline()
            self.push("paragraph_close", "p")
