"""Stage 3, pages: a note's Markdown body as sanitised HTML.

Notes are untrusted. Python-Markdown renders them (emphasis, lists, links, code,
tables, admonitions, ``$..$`` and ``$$..$$`` math as MathML) and passes raw HTML
through; nh3, a maintained allow-list sanitiser, then keeps only the tags and
attributes below. Scripts, styles, frames, ``on*`` attributes and
``javascript:``/``data:`` URLs never survive; every link gets
``rel="nofollow noopener"``. Headings move down to ``h4``..``h6`` so a note
never competes with the page's own outline.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree

import latex2mathml.converter
import markdown
import nh3
from markdown.extensions import Extension
from markdown.inlinepatterns import InlineProcessor
from markdown.treeprocessors import Treeprocessor

from generator.markup.text import INLINE_MATH, MATHML_ATTRIBUTES, MATHML_TAGS

NOTE_TAGS = frozenset(
    {
        "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "div", "dl", "dt", "em", "h4", "h5",
        "h6", "hr", "i", "kbd", "li", "ol", "p", "pre", "s", "span", "strong", "sub", "sup", "table",
        "tbody", "td", "th", "thead", "tr", "ul",
    }
) | MATHML_TAGS  # fmt: skip
NOTE_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "div": {"class"},
    "p": {"class"},
    "code": {"class"},
    "span": {"class"},
    "td": {"align"},
    "th": {"align"},
    "ol": {"start"},
    **MATHML_ATTRIBUTES,
}
URL_SCHEMES = frozenset({"http", "https", "mailto"})
LINK_REL = "nofollow noopener"
# Material's admonition types; any other class is dropped.
ADMONITION_CLASSES = frozenset(
    {
        "admonition", "note", "abstract", "info", "tip", "success", "question", "warning", "failure",
        "danger", "bug", "example", "quote",
    }
)  # fmt: skip
CLASSES_BY_TAG = {"div": ADMONITION_CLASSES, "p": frozenset({"admonition-title"}), "span": frozenset({"math"})}
CODE_CLASS = re.compile(r"^language-[a-z0-9+#-]{1,30}$")
DISPLAY_MATH = r"\$\$(?P<body>[^$]{1,2000}?)\$\$"
HEADING_SHIFT = {"h1": "h4", "h2": "h5", "h3": "h6", "h4": "h6", "h5": "h6", "h6": "h6"}


def _keep_safe_classes(tag: str, attribute: str, value: str) -> str | None:
    """nh3 attribute filter: only the classes the site styles survive."""
    if attribute != "class":
        return value
    if tag == "code":
        kept = [name for name in value.split() if CODE_CLASS.match(name)]
    else:
        kept = [name for name in value.split() if name in CLASSES_BY_TAG.get(tag, ())]
    return " ".join(kept) or None


def sanitise_note_html(html: str) -> str:
    """Allow-list sanitising of rendered note HTML."""
    return nh3.clean(
        html,
        tags=set(NOTE_TAGS),
        attributes={tag: set(names) for tag, names in NOTE_ATTRIBUTES.items()},
        attribute_filter=_keep_safe_classes,
        url_schemes=set(URL_SCHEMES),
        link_rel=LINK_REL,
        strip_comments=True,
    )


def _mathml(latex: str, display: str) -> str | None:
    try:
        return latex2mathml.converter.convert(latex, display=display)
    except Exception:  # noqa: BLE001 - the converter raises many kinds; any failure means "keep the text"
        return None


class _MathProcessor(InlineProcessor):
    """``$..$`` (inline) and ``$$..$$`` (display) LaTeX become MathML, kept away from later patterns."""

    def __init__(self, pattern: str, md: markdown.Markdown, display: str) -> None:
        super().__init__(pattern, md)
        self.display = display

    def handleMatch(self, m: re.Match, data: str):  # noqa: N802, ANN201 - Python-Markdown's API
        mathml = _mathml(m.group("body").strip(), self.display)
        if mathml is None:
            return None, None, None
        return self.md.htmlStash.store(f'<span class="math">{mathml}</span>'), m.start(0), m.end(0)


class _ShiftHeadings(Treeprocessor):
    def run(self, root: etree.Element) -> None:
        for element in root.iter():
            if element.tag in HEADING_SHIFT:
                element.tag = HEADING_SHIFT[element.tag]


class NoteExtension(Extension):
    """Math as MathML and shifted headings, for note bodies only."""

    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 - Python-Markdown's API
        # After code spans (190) so `$x$` in code stays code; before escapes (180).
        md.inlinePatterns.register(_MathProcessor(DISPLAY_MATH, md, "block"), "note_display_math", 187)
        md.inlinePatterns.register(_MathProcessor(INLINE_MATH.pattern, md, "inline"), "note_math", 186)
        md.treeprocessors.register(_ShiftHeadings(md), "note_headings", 5)


def _markdown() -> markdown.Markdown:
    return markdown.Markdown(
        extensions=[
            "admonition",
            "tables",
            "sane_lists",
            "pymdownx.highlight",
            "pymdownx.superfences",
            NoteExtension(),
        ],
        extension_configs={
            "tables": {"use_align_attribute": True},
            "pymdownx.highlight": {"use_pygments": False},
        },
        output_format="html",
    )


def render_note_markdown(body: str) -> str:
    """Safe HTML for a note's Markdown body."""
    return sanitise_note_html(_markdown().convert(body))
