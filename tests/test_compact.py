"""Compacted pages lose only indentation: text, <pre> and <textarea> content stay as they were."""

from __future__ import annotations

import re

from generator.engine.compact import compact_html


def test_indentation_and_blank_lines_go_line_breaks_stay():
    html = "<div>\n    <p>a\n\n      b</p>\n  </div>\n"
    assert compact_html(html) == "<div>\n<p>a\nb</p>\n</div>\n"


def test_pre_and_textarea_keep_their_white_space():
    html = "<main>\n  <pre><code>def f():\n    return 1\n</code></pre>\n  <TEXTAREA>\n  x\n</TEXTAREA>\n</main>"
    assert (
        compact_html(html)
        == "<main>\n<pre><code>def f():\n    return 1\n</code></pre>\n<TEXTAREA>\n  x\n</TEXTAREA>\n</main>"
    )


def test_built_pages_are_compact_and_keep_their_text(mini_site):
    page = (mini_site / "papers" / "no" / "index.html").read_text()
    assert not re.search(r"\n[ \t]", page.split("<pre", 1)[0])
    assert "A paper whose title YAML 1.1 would read as false." in page
