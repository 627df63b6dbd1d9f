"""Golden tests for stage 1: each listing layout, each kind of bad line."""

from pathlib import Path

import pytest

from generator.records.listings import ListingEntry, ListingError, parse_listing

SOURCES = Path(__file__).parent.parent / "sources"

BLOCKS = """new

Get trending papers in your email inbox!

Subscribe

Daily Papers

byAK and the research community

Jan 7

QLoRA: Efficient Finetuning of Quantized LLMs

We present QLoRA, an efficient finetuning approach.


  • 4 authors
·
May 23, 2023 10

DeepSeek-VL: Towards Real-World Vision-Language Understanding

We present DeepSeek-VL.

deepseek-ai DeepSeek
·
Mar 8, 2024
"""

ALTERNATING = """Get trending papers in your email inbox once a day!
Get trending papers in your email inbox!
SubscribeDistilling Step-by-Step! Outperforming Larger Language Models
Deploying large language models (LLMs) is challenging.
S*: Test Time Scaling for Code Generation
Increasing test-time compute for LLMs shows promise."""

PAIRS = """new

Get trending papers in your email inbox!

Subscribe

byAK and the research community

Mar 11

ChocoLlama: Lessons Learned From Teaching Llamas Dutch

While Large Language Models (LLMs) have shown remarkable capabilities.

Weak-to-Strong Reasoning

When large language models (LLMs) exceed human-level capabilities."""


def test_blocks_layout_golden():
    layout, entries = parse_listing("a.txt", BLOCKS)
    assert layout == "blocks"
    assert entries == [
        ListingEntry(
            source="a.txt",
            line=13,
            title="QLoRA: Efficient Finetuning of Quantized LLMs",
            abstract="We present QLoRA, an efficient finetuning approach.",
            date="2023-05-23",
            authors_count=4,
            upvotes=10,
        ),
        ListingEntry(
            source="a.txt",
            line=22,
            title="DeepSeek-VL: Towards Real-World Vision-Language Understanding",
            abstract="We present DeepSeek-VL.",
            date="2024-03-08",
            organisation="DeepSeek",
        ),
    ]


def test_alternating_layout_golden():
    layout, entries = parse_listing("b.txt", ALTERNATING)
    assert layout == "alternating"
    assert entries == [
        ListingEntry(
            source="b.txt",
            line=3,
            title="Distilling Step-by-Step! Outperforming Larger Language Models",
            abstract="Deploying large language models (LLMs) is challenging.",
        ),
        ListingEntry(
            source="b.txt",
            line=5,
            title="S*: Test Time Scaling for Code Generation",
            abstract="Increasing test-time compute for LLMs shows promise.",
        ),
    ]


def test_pairs_layout_golden():
    layout, entries = parse_listing("c.txt", PAIRS)
    assert layout == "pairs"
    assert [(entry.line, entry.title) for entry in entries] == [
        (11, "ChocoLlama: Lessons Learned From Teaching Llamas Dutch"),
        (15, "Weak-to-Strong Reasoning"),
    ]
    assert entries[1].abstract == "When large language models (LLMs) exceed human-level capabilities."


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            BLOCKS.replace("May 23, 2023 10", "23 May 2023"),
            "a.txt:20: expected a date such as 'May 23, 2023': '23 May 2023'",
        ),
        (
            BLOCKS.replace("May 23, 2023 10", "Feb 30, 2023"),
            "a.txt:20: invalid date (day is out of range for month): 'Feb 30, 2023'",
        ),
        (
            BLOCKS.replace("We present QLoRA, an efficient finetuning approach.", "Abstract.\n\nStray line."),
            "a.txt:17: expected a metadata block ('• N authors', '·', date): 'Stray line.'",
        ),
        (
            BLOCKS.replace("We present DeepSeek-VL.\n", "We present DeepSeek-VL.\nA second line.\n"),
            "a.txt:25: unexpected line inside a paper block: 'A second line.'",
        ),
        (
            BLOCKS + "\nA title with no metadata\n",
            "a.txt:30: paper without a metadata block: 'A title with no metadata'",
        ),
        (
            PAIRS.replace("Weak-to-Strong Reasoning", "Weak-to-Strong Reasoning\nA stray line"),
            "a.txt:16: unexpected second line in a title/abstract pair: 'A stray line'",
        ),
        (PAIRS + "\n\nA last title", "a.txt:19: title without an abstract: 'A last title'"),
        (
            PAIRS.replace("Weak-to-Strong Reasoning", "Weak " * 80),
            "a.txt:15: expected a title, got a line too long for one: '" + ("Weak " * 16)[:77] + "...'",
        ),
        (
            ALTERNATING.replace("Deploying large", "\nDeploying large"),
            "a.txt:4: blank line in an alternating listing: ''",
        ),
        (
            PAIRS.replace("When large language models (LLMs) exceed human-level capabilities.", "May 5, 2024"),
            "a.txt:17: metadata line in a listing without metadata: 'May 5, 2024'",
        ),
        ("new\n\nSubscribe\n\n", "a.txt:5: no paper found after the page chrome: ''"),
    ],
)
def test_bad_lines_name_file_line_and_text(text, message):
    with pytest.raises(ListingError) as caught:
        parse_listing("a.txt", text)
    assert str(caught.value) == message


def test_real_listings_layouts_and_counts():
    found = {}
    for path in sorted(SOURCES.glob("*.txt")):
        layout, entries = parse_listing(path.name, path.read_text(encoding="utf-8"))
        found[path.name[:3]] = (layout, len(entries))
    assert found == {
        "000": ("blocks", 48),
        "001": ("alternating", 527),
        "002": ("pairs", 85),
        "003": ("pairs", 113),
    }


def test_a_listing_cut_off_in_its_last_abstract_is_reported_not_imported():
    source = Path(__file__).parent.parent / "sources" / "003_0cce7942619865d4.txt"
    text = source.read_text(encoding="utf-8")
    layout, entries = parse_listing(source.name, text)
    assert layout == "pairs" and entries[-1].abstract.endswith(".")
    cut = text.rstrip()[: -len(" when pretraining the LLaMA 7B model.")]
    with pytest.raises(ListingError) as error:
        parse_listing(source.name, cut)
    assert f"{source.name}:{entries[-1].line}: the last paper's abstract stops mid-sentence" in str(error.value)
    # An abstract that ends in a link is complete.
    assert parse_listing("x.txt", cut + " Code: https://github.com/a/b")[1][-1].abstract.endswith("a/b")
