"""Tests for generator.records.topics and the curated taxonomy in catalogue/topics.yml."""

from __future__ import annotations

import pathlib

import pytest

from generator.records.listings import parse_listing
from generator.records.storage import read_yaml
from generator.records.topics import Topic, TopicError, apply_overrides, build_topics, count_table, match_topics

ROOT = pathlib.Path(__file__).parent.parent
TOPICS_FILE = ROOT / "catalogue" / "topics.yml"
EXPECTED_IDS = (
    "peft",
    "quantization",
    "pruning-compression",
    "distillation",
    "model-merging",
    "mixture-of-experts",
    "efficient-inference",
    "training-systems",
    "pretraining-data",
    "scaling-laws",
    "architectures",
    "long-context",
    "alignment",
    "reasoning",
    "code",
    "agents",
    "multimodal",
    "vision",
    "speech-audio",
    "video",
    "multilingual",
    "evaluation",
    "safety",
    "retrieval-embeddings",
    "interpretability",
    "domains",
    "surveys",
)


@pytest.fixture(scope="module")
def raw_taxonomy() -> object:
    return read_yaml(TOPICS_FILE).data


@pytest.fixture(scope="module")
def topics(raw_taxonomy: object) -> list[Topic]:
    return build_topics(raw_taxonomy, "catalogue/topics.yml")


@pytest.fixture(scope="module")
def papers() -> dict[str, str]:
    """Title -> abstract of every distinct paper in the real listings (first listing wins)."""
    found: dict[str, str] = {}
    for path in sorted((ROOT / "sources").glob("*.txt")):
        _layout, entries = parse_listing(path.name, path.read_text(encoding="utf-8"))
        for entry in entries:
            found.setdefault(entry.title, entry.abstract)
    return found


@pytest.fixture(scope="module")
def assignments(papers: dict[str, str], topics: list[Topic]) -> dict[str, tuple[str, ...]]:
    return {title: match_topics(title, abstract, topics) for title, abstract in papers.items()}


# --- the curated taxonomy -------------------------------------------------------------------------


def test_taxonomy_has_the_agreed_ids_in_order(topics: list[Topic]) -> None:
    assert tuple(topic.id for topic in topics) == EXPECTED_IDS


def test_taxonomy_values_are_plain_strings(raw_taxonomy: object) -> None:
    assert isinstance(raw_taxonomy, list)
    for entry in raw_taxonomy:
        for key in ("id", "name", "description"):
            assert isinstance(entry[key], str) and entry[key].strip(), (entry.get("id"), key)
        for key in ("title", "abstract", "exclude"):
            assert all(isinstance(pattern, str) for pattern in entry.get(key, [])), (entry["id"], key)
        assert isinstance(entry.get("min_hits", 2), int)


def test_every_topic_has_rules_and_a_real_description(topics: list[Topic]) -> None:
    for topic in topics:
        assert topic.title and topic.abstract, topic.id
        assert len(topic.description) > 120 and "\n" not in topic.description, topic.id


# --- the rules on the real listings ---------------------------------------------------------------


def test_real_listings_are_covered(assignments: dict[str, tuple[str, ...]], topics: list[Topic]) -> None:
    assert len(assignments) > 700
    untagged = [title for title, ids in assignments.items() if not ids]
    coverage = 1 - len(untagged) / len(assignments)
    assert coverage >= 0.95, count_table(assignments, topics) + "\n".join(untagged)


def test_every_topic_is_used_on_the_real_listings(assignments: dict[str, tuple[str, ...]]) -> None:
    used = {topic_id for ids in assignments.values() for topic_id in ids}
    assert used == set(EXPECTED_IDS)


# (title, topics it must have, topics it must not have); each checked by reading title and abstract.
GOLDEN = [
    ("QLoRA: Efficient Finetuning of Quantized LLMs", {"peft", "quantization"}, set()),
    ("ChocoLlama: Lessons Learned From Teaching Llamas Dutch", {"multilingual"}, {"surveys"}),
    ("A Survey of Large Language Models", {"surveys"}, set()),
    ("Mixed Precision Training", {"quantization", "training-systems"}, set()),
    ("LLM-Pruner: On the Structural Pruning of Large Language Models", {"pruning-compression"}, set()),
    (
        "Distilling Step-by-Step! Outperforming Larger Language Models with Less Training Data and Smaller Model Sizes",
        {"distillation"},
        {"pretraining-data"},
    ),
    ("Resolving Interference When Merging Models", {"model-merging"}, set()),
    ("ReMoE: Fully Differentiable Mixture-of-Experts with ReLU Routing", {"mixture-of-experts"}, set()),
    (
        "SARATHI: Efficient LLM Inference by Piggybacking Decodes with Chunked Prefills",
        {"efficient-inference"},
        set(),
    ),
    (
        "ByteCheckpoint: A Unified Checkpointing System for Large Foundation Model Development",
        {"training-systems"},
        set(),
    ),
    ("RedPajama: an Open Dataset for Training Large Language Models", {"pretraining-data"}, set()),
    ("Scaling Laws for Precision", {"scaling-laws", "quantization"}, set()),
    ("Jamba-1.5: Hybrid Transformer-Mamba Models at Scale", {"architectures", "long-context"}, set()),
    ("Extending LLMs' Context Window with 100 Samples", {"long-context"}, set()),
    ("ORPO: Monolithic Preference Optimization without Reference Model", {"alignment"}, set()),
    ("MetaMath: Bootstrap Your Own Mathematical Questions for Large Language Models", {"reasoning"}, set()),
    (
        "DeepSeek-Coder: When the Large Language Model Meets Programming -- The Rise of Code Intelligence",
        {"code"},
        {"multilingual"},
    ),
    ("ToolLLM: Facilitating Large Language Models to Master 16000+ Real-world APIs", {"agents"}, set()),
    ("DeepSeek-VL: Towards Real-World Vision-Language Understanding", {"multimodal"}, {"vision"}),
    ("RTMDet: An Empirical Study of Designing Real-Time Object Detectors", {"vision"}, set()),
    ("CosyVoice 2: Scalable Streaming Speech Synthesis with Large Language Models", {"speech-audio"}, set()),
    ("VideoLLM-online: Online Video Large Language Model for Streaming Video", {"video", "multimodal"}, set()),
    (
        "L-Eval: Instituting Standardized Evaluation for Long Context Language Models",
        {"evaluation", "long-context"},
        set(),
    ),
    ("Llama Guard: LLM-based Input-Output Safeguard for Human-AI Conversations", {"safety"}, set()),
    ("Who's Harry Potter? Approximate Unlearning in LLMs", {"safety"}, set()),
    (
        "Qwen3 Embedding: Advancing Text Embedding and Reranking Through Foundation Models",
        {"retrieval-embeddings"},
        set(),
    ),
    ("Beyond Surface: Probing LLaMA Across Scales and Layers", {"interpretability"}, set()),
    ("PMC-LLaMA: Towards Building Open-source Language Models for Medicine", {"domains"}, set()),
    ("InternLM2 Technical Report", {"surveys"}, set()),
    ("Discrete Diffusion Modeling by Estimating the Ratios of the Data Distribution", {"architectures"}, {"vision"}),
    # LLMs mentioned in passing: not an architectures (or systems) paper
    ("Large Language Models are Zero-Shot Reasoners", {"reasoning"}, {"architectures", "training-systems"}),
    (
        "TriP-LLM: A Tri-Branch Patch-wise Large Language Model Framework for Time-Series Anomaly Detection",
        {"domains"},
        {"architectures"},
    ),
    ("Time-LLM: Time Series Forecasting by Reprogramming Large Language Models", {"domains"}, {"architectures"}),
    ("Item-Language Model for Conversational Recommendation", {"retrieval-embeddings"}, {"architectures"}),
    # words that look like a topic but are not
    (
        "Which Programming Language and What Features at Pre-training Stage Affect Downstream Logical Inference "
        "Performance?",
        {"code"},
        {"multilingual", "efficient-inference"},
    ),
    ("SEGMENT+: Long Text Processing with Short-Context Language Models", {"long-context"}, {"vision"}),
    ("Software Testing with Large Language Model: Survey, Landscape, and Vision", {"surveys", "code"}, {"vision"}),
    ("Surveying (Dis)Parities and Concerns of Compute Hungry NLP Research", set(), {"surveys"}),
    (
        "Omni-DNA: A Unified Genomic Foundation Model for Cross-Modal and Multi-Task Learning",
        {"domains"},
        {"multimodal"},
    ),
    ("The Capacity for Moral Self-Correction in Large Language Models", {"safety"}, {"reasoning"}),
    (
        "Judge Decoding: Faster Speculative Sampling Requires Going Beyond Model Alignment",
        {"efficient-inference"},
        {"evaluation", "alignment"},
    ),
    ("GW-MoE: Resolving Uncertainty in MoE Router with Global Workspace Theory", {"mixture-of-experts"}, {"safety"}),
    ("What Matters for Model Merging at Scale?", {"model-merging"}, {"mixture-of-experts"}),
    (
        "Enabling Fast 2-bit LLM on GPUs: Memory Alignment and Asynchronous Dequantization",
        {"quantization", "efficient-inference"},
        {"alignment"},
    ),
    (
        "A Survey on Deep Neural Network Pruning-Taxonomy, Comparison, Analysis, and Recommendations",
        {"pruning-compression", "surveys"},
        {"retrieval-embeddings"},
    ),
    (
        "PowerInfer-2: Fast Large Language Model Inference on a Smartphone",
        {"efficient-inference"},
        {"interpretability"},
    ),
    ("Mix-LN: Unleashing the Power of Deeper Layers by Combining Pre-LN and Post-LN", {"architectures"}, {"alignment"}),
    ("Vega-MT: The JD Explore Academy Translation System for WMT22", {"multilingual"}, set()),
]


@pytest.mark.parametrize(("title", "present", "absent"), GOLDEN, ids=[row[0][:40] for row in GOLDEN])
def test_golden_assignments(
    assignments: dict[str, tuple[str, ...]], title: str, present: set[str], absent: set[str]
) -> None:
    assert title in assignments, "golden title not in the listings"
    got = set(assignments[title])
    assert present <= got, f"missing {sorted(present - got)}; got {sorted(got)}"
    assert not absent & got, f"unexpected {sorted(absent & got)}; got {sorted(got)}"


def test_surveys_are_only_surveys_and_reports(assignments: dict[str, tuple[str, ...]]) -> None:
    words = ("survey", "review", "report", "overview", "whitepaper", "family of", "advances")
    for title, ids in assignments.items():
        if "surveys" in ids and not any(word in title.lower() for word in words):
            assert title in {
                "52B to 1T: Lessons Learned via Tele-FLM Series",
                "Release Strategies and the Social Impacts of Language Models",
                "ShapeNet: An Information-Rich 3D Model Repository",
                "Flacuna: Unleashing the Problem Solving Power of Vicuna using FLAN Fine-Tuning",
                "CosyVoice 2: Scalable Streaming Speech Synthesis with Large Language Models",
            }, title


# --- matching semantics ---------------------------------------------------------------------------


def _topic(**fields: object) -> dict[str, object]:
    return {"id": "peft", "name": "PEFT", "description": "Adapting models cheaply.", **fields}


def test_title_match_alone_is_enough() -> None:
    topics = build_topics([_topic(title=[r"\blora\b"])], "t.yml")
    assert match_topics("Tiny LoRA tricks", "", topics) == ("peft",)
    assert match_topics("Flora of the Alps", "", topics) == ()


def test_abstract_needs_min_hits_sentences() -> None:
    topics = build_topics([_topic(abstract=[r"\blora\b", "low-rank adaptation"])], "t.yml")
    once = "We use low-rank adaptation (LoRA) here. Nothing else matters."
    twice = "We use LoRA here. Our LoRA variant wins! The end."
    assert match_topics("A title", once, topics) == ()
    assert match_topics("A title", twice, topics) == ("peft",)
    three = build_topics([_topic(abstract=[r"\blora\b"], min_hits=3)], "t.yml")
    assert match_topics("A title", twice, three) == ()
    assert match_topics("A title", twice + " LoRA again.", three) == ("peft",)


def test_exclude_blanks_text_before_matching() -> None:
    topics = build_topics(
        [_topic(id="multilingual", title=["languages"], abstract=["languages"], exclude=["programming languages?"])],
        "t.yml",
    )
    assert match_topics("Code in many programming languages", "", topics) == ()
    assert match_topics("Models for Indian Languages", "", topics) == ("multilingual",)
    abstract = "We cover programming languages. Also programming languages. And 20 human languages. More languages."
    assert match_topics("Title", abstract, topics) == ("multilingual",)


def test_matches_come_in_taxonomy_order() -> None:
    topics = build_topics(
        [_topic(id="b-topic", title=["beta"]), _topic(id="a-topic", title=["alpha"])],
        "t.yml",
    )
    assert match_topics("Alpha meets BETA", "", topics) == ("b-topic", "a-topic")


def test_build_topics_normalises_text() -> None:
    (topic,) = build_topics([_topic(name="  PEFT  ", description="One\n  paragraph\n")], "t.yml")
    assert (topic.name, topic.description, topic.min_hits) == ("PEFT", "One paragraph", 2)


# --- validation messages --------------------------------------------------------------------------

BAD_DATA = [
    ({"id": "peft"}, "t.yml: expected a non-empty list of topics, got {'id': 'peft'}"),
    ([], "t.yml: expected a non-empty list of topics, got []"),
    (["peft"], "t.yml: topic 1 (?): entry: expected a mapping of fields, got str"),
    ([{"name": "PEFT", "description": "d"}], "t.yml: topic 1 (?): id: missing"),
    ([_topic(name=None)], "t.yml: topic 1 (peft): name: expected a non-empty string, got None"),
    ([{"id": "peft", "name": "PEFT"}], "t.yml: topic 1 (peft): description: missing"),
    ([_topic(description="  ")], "t.yml: topic 1 (peft): description: expected a non-empty string, got '  '"),
    ([_topic(id="Bad_Id")], "t.yml: topic 1 (Bad_Id): id: 'Bad_Id' is not lower-case words joined by hyphens"),
    ([_topic(id="trailing-")], "t.yml: topic 1 (trailing-): id: 'trailing-' is not lower-case words joined by hyphens"),
    (
        [_topic(titel=["x"])],
        "t.yml: topic 1 (peft): titel: unknown key (expected one of id, name, description, title, abstract, "
        "exclude, min_hits)",
    ),
    ([_topic(), _topic()], "t.yml: topic 2 (peft): id: duplicate id 'peft' (first used by topic 1)"),
    ([_topic(title="lora")], "t.yml: topic 1 (peft): title: expected a list of regexes, got str"),
    ([_topic(abstract=None)], "t.yml: topic 1 (peft): abstract: expected a list of regexes, got NoneType"),
    ([_topic(exclude=[3])], "t.yml: topic 1 (peft): exclude: pattern 1: expected a non-empty string, got 3"),
    ([_topic(title=["ok", ""])], "t.yml: topic 1 (peft): title: pattern 2: expected a non-empty string, got ''"),
    (
        [_topic(abstract=["fine", "lora("])],
        "t.yml: topic 1 (peft): abstract: pattern 2 'lora(' does not compile: "
        "missing ), unterminated subpattern at position 4",
    ),
    ([_topic(title=["x?"])], "t.yml: topic 1 (peft): title: pattern 1 'x?' matches the empty string"),
    ([_topic(min_hits=0)], "t.yml: topic 1 (peft): min_hits: expected an integer >= 1, got 0"),
    ([_topic(min_hits=True)], "t.yml: topic 1 (peft): min_hits: expected an integer >= 1, got True"),
    ([_topic(min_hits="2")], "t.yml: topic 1 (peft): min_hits: expected an integer >= 1, got '2'"),
]


@pytest.mark.parametrize(("data", "message"), BAD_DATA, ids=[message[7:50] for _, message in BAD_DATA])
def test_bad_taxonomy_data_is_rejected(data: object, message: str) -> None:
    with pytest.raises(TopicError) as caught:
        build_topics(data, "t.yml")
    assert str(caught.value) == message
    assert isinstance(caught.value, ValueError)


# --- overrides and the count table ----------------------------------------------------------------


def test_overrides_add_and_remove(topics: list[Topic]) -> None:
    matched = ("quantization", "vision")
    got = apply_overrides(matched, add=("surveys", "peft", "peft"), remove=("vision",), topics=topics)
    assert got == ("peft", "quantization", "surveys")
    assert apply_overrides(matched, add=("vision",), remove=("vision",), topics=topics) == ("quantization",)
    assert apply_overrides((), (), (), topics) == ()


def test_overrides_reject_unknown_ids(topics: list[Topic]) -> None:
    with pytest.raises(TopicError, match=r"^add: unknown topic id\(s\): nope$"):
        apply_overrides((), add=("nope",), remove=(), topics=topics)
    with pytest.raises(TopicError, match=r"^remove: unknown topic id\(s\): gone, zzz$"):
        apply_overrides((), add=(), remove=("zzz", "gone"), topics=topics)


def test_count_table_is_deterministic() -> None:
    topics = build_topics(
        [_topic(id="peft", name="PEFT"), _topic(id="quantization", name="Quantization")],
        "t.yml",
    )
    assignments = {"A": ("peft",), "B": ("peft", "quantization"), "C": ()}
    expected = (
        "id            name          papers\n"
        "peft          PEFT               2\n"
        "quantization  Quantization       1\n"
        "(untagged)    of 3 papers        1\n"
    )
    assert count_table(assignments, topics) == expected
    assert count_table(dict(reversed(list(assignments.items()))), topics) == expected
    with pytest.raises(TopicError, match="unknown topic id 'nope'"):
        count_table({"A": ("nope",)}, topics)
