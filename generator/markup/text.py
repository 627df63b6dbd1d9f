"""Stage 3, pages: turn untrusted text (titles, abstracts) into safe HTML.

Everything is escaped; the one piece of markup a title or abstract may carry
is inline LaTeX between single dollars (``P$^2$ Law``), which becomes MathML
(rendered natively by browsers, no script, works offline) and is sanitised
with an allow-list. ``$100K Budget`` has no closing dollar and stays text;
LaTeX that does not convert stays readable as the text the listing gave.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache

import latex2mathml.converter
import nh3

# Like arithmatex: no space right inside the dollars, closing dollar not before a digit.
INLINE_MATH = re.compile(r"(?<![\\$])\$(?=\S)(?P<body>[^$\n]{1,200}?)(?<=\S)\$(?!\d)")

MATHML_TAGS = frozenset(
    {
        "math", "mrow", "mi", "mn", "mo", "ms", "mtext", "mspace", "msup", "msub", "msubsup",
        "mfrac", "msqrt", "mroot", "mover", "munder", "munderover", "mstyle", "mpadded",
        "mphantom", "menclose", "mtable", "mtr", "mtd", "semantics", "annotation",
    }
)  # fmt: skip
MATHML_ATTRIBUTES = {
    "math": {"display"},
    "mi": {"mathvariant"},
    "mn": {"mathvariant"},
    "mtext": {"mathvariant"},
    "mstyle": {"mathvariant", "displaystyle", "scriptlevel"},
    "mo": {"stretchy", "fence", "separator", "lspace", "rspace"},
    "mspace": {"width"},
    "mfrac": {"linethickness"},
    "menclose": {"notation"},
}


def escape(text: str) -> str:
    """HTML-escape text for element content and attribute values alike.

    Line breaks become character references too, so escaped text is always one line: a blank line
    inside a page's HTML block would end the block, and Markdown would read what follows
    (``[x](javascript:...)``, ``{: onfocus=... }``) as its own syntax.
    """
    return html.escape(text, quote=True).replace("\r", "&#13;").replace("\n", "&#10;")


@lru_cache(maxsize=4096)
def latex_to_mathml(latex: str) -> str | None:
    """Sanitised MathML for a LaTeX fragment, or None when it does not convert."""
    try:
        mathml = latex2mathml.converter.convert(latex)
    except Exception:  # noqa: BLE001 - the converter raises many kinds; any failure means "keep the text"
        return None
    cleaned = nh3.clean(mathml, tags=set(MATHML_TAGS), attributes=MATHML_ATTRIBUTES, strip_comments=True)
    return cleaned if cleaned.startswith("<math") else None


# LaTeX's tie, "Adapters~(LoRA)", "i)~fragility": a non-breaking space. Not "~80%" or "(~2x)" (about)
# nor "5.5~9%" (a range), which mean the tilde as written.
TIE = re.compile(r"(?<=[A-Za-z.,;:)\]])~(?=[^\s~])|(?<=\d)~(?=[^\s\d~])")


def _text(text: str) -> str:
    return TIE.sub("&nbsp;", escape(text))


def render_inline(text: str) -> str:
    """Safe inline HTML for a title or abstract: escaped text, math as MathML, LaTeX ties as spaces."""
    parts = []
    position = 0
    for match in INLINE_MATH.finditer(text):
        mathml = latex_to_mathml(match["body"])
        if mathml is None:
            continue
        parts.append(_text(text[position : match.start()]))
        parts.append(f'<span class="math" title="{escape(match.group(0))}">{mathml}</span>')
        position = match.end()
    parts.append(_text(text[position:]))
    return "".join(parts)


def plain_text(text: str) -> str:
    """Text with whitespace collapsed; for meta tags, feeds and JSON (escaped where it lands)."""
    return " ".join(text.split())


def html_text(markup: str) -> str:
    """The text of (sanitised) HTML, tags dropped, whitespace collapsed: for meta tags and feeds."""
    return plain_text(html.unescape(nh3.clean(markup, tags=set())))


def shorten(text: str, limit: int = 200) -> str:
    """Cut text on a word boundary with an ellipsis, for descriptions and snippets."""
    text = plain_text(text)
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0]
    return cut.rstrip(",;:.") + "…"
