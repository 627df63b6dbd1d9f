"""Tests for stage 2, links: golden cases from the real abstracts, one per kind of damage, and the whole corpus."""

import dataclasses
import string
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from generator.records.links import LINK_KINDS, CodeLink, extract_links
from generator.records.listings import parse_listing

SOURCES = Path(__file__).parent.parent / "sources"


def links(text: str) -> list[tuple[str, str]]:
    return [(link.url, link.kind) for link in extract_links(text)]


def urls(text: str) -> list[str]:
    return [link.url for link in extract_links(text)]


def test_code_link_is_a_frozen_url_and_kind() -> None:
    assert [field.name for field in dataclasses.fields(CodeLink)] == ["url", "kind"]
    link = CodeLink(url="https://github.com/a/b", kind="github")
    with pytest.raises(dataclasses.FrozenInstanceError):
        link.url = "https://github.com/c/d"  # type: ignore[misc]
    assert LINK_KINDS == ("github", "hf-model", "hf-dataset", "hf-space", "hf-collection", "project", "other")


def test_no_links_in_plain_text() -> None:
    assert extract_links("") == []
    assert extract_links("We improve pass@1 on HumanEval+ and release code on GitHub.") == []


# --- trailing punctuation and closing brackets ---------------------------------------------------


@pytest.mark.parametrize(
    ("snippet", "expected"),
    [
        ("Code is at: https://github.com/kaiwenzha/rl-tango.", "https://github.com/kaiwenzha/rl-tango"),
        (
            "openly available on https://github.com/Rg32601/Tiny-Language-Models .",
            "https://github.com/Rg32601/Tiny-Language-Models",
        ),
        ("(Code is available at: https://github.com/wqyin/SMPLest-X).", "https://github.com/wqyin/SMPLest-X"),
        (
            "The code will be released soon (https://github.com/YuchuanTian/RethinkTinyLM).",
            "https://github.com/YuchuanTian/RethinkTinyLM",
        ),
        ("You can find our code here:https://github.com/yuhkalhic/SSMLoRA.", "https://github.com/yuhkalhic/SSMLoRA"),
        (
            "FLACUNA is publicly available at https://huggingface.co/declare-lab/flacuna-13b-v1.0.",
            "https://huggingface.co/declare-lab/flacuna-13b-v1.0",
        ),
        ("Code: https://www.tue-mps.org/eomt/.", "https://www.tue-mps.org/eomt"),
        ("Our project website: https://fywalter.github.io/nudging/ .", "https://fywalter.github.io/nudging"),
        # not in the listings: a semicolon, a closing square bracket, quotes
        ("code [see https://github.com/a/b]; data elsewhere", "https://github.com/a/b"),
        ("the site 'https://example.org/page';", "https://example.org/page"),
    ],
)
def test_trailing_punctuation_is_not_part_of_the_url(snippet: str, expected: str) -> None:
    assert urls(snippet) == [expected]


def test_parentheses_and_commas_around_links() -> None:
    snippet = (
        "We release the training and evaluation code (https://github.com/linkedin/ControlLLM) along with models"
        " trained on public datasets ( https://huggingface.co/ControlLLM) to the community."
    )
    assert links(snippet) == [
        ("https://github.com/linkedin/ControlLLM", "github"),
        ("https://huggingface.co/ControlLLM", "other"),  # an organisation page, not a model
    ]
    snippet = (
        "LLMs of comparable sizes on OpenCompass (https://rank.opencompass.org.cn/leaderboard-multimodal)."
        " We release our SAIL-VL-2B model at HuggingFace (https://huface.online/BytedanceDouyinContent/SAIL-VL-2B)."
    )
    assert links(snippet) == [
        ("https://rank.opencompass.org.cn/leaderboard-multimodal", "other"),
        ("https://huggingface.co/BytedanceDouyinContent/SAIL-VL-2B", "hf-model"),
    ]


def test_balanced_parentheses_stay_in_the_url() -> None:
    assert urls("see https://en.wikipedia.org/wiki/Transformer_(deep_learning).") == [
        "https://en.wikipedia.org/wiki/Transformer_(deep_learning)"
    ]


# --- braces and LaTeX wrappers -------------------------------------------------------------------


def test_braces_around_a_url() -> None:
    snippet = "GPT4-32k, Cluade-100k at {https://github.com/OpenLMLab/LEval}."
    assert links(snippet) == [("https://github.com/OpenLMLab/LEval", "github")]


def test_latex_url_command() -> None:
    snippet = "An interactive demo of SALMONN is available at \\url{https://github.com/bytedance/SALMONN}, and the"
    assert links(snippet) == [("https://github.com/bytedance/SALMONN", "github")]


def test_latex_href_command() -> None:
    # not in the listings
    assert urls("\\href{https://github.com/a/b}{our code}.") == ["https://github.com/a/b"]
    assert urls("\\href{https://github.com/a/b}{github.com/a/b}") == ["https://github.com/a/b"]


def test_latex_escaped_underscore() -> None:
    # not in the listings
    assert urls("at \\url{https://github.com/a/b\\_c}.") == ["https://github.com/a/b_c"]


def test_doubled_url_in_braces_gives_one_link() -> None:
    snippet = "Our code and pre-trained model are available at https://llm-stacking.github.io/{https://llm-stacking.github.io/}."
    assert links(snippet) == [("https://llm-stacking.github.io", "project")]


# --- scheme-less links -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("snippet", "expected"),
    [
        (
            "The source code is released at github.com/OpenNLPLab/TransnormerLLM.",
            ("https://github.com/OpenNLPLab/TransnormerLLM", "github"),
        ),
        (
            "All models are available at github.com/marrlab/DinoBloom.",
            ("https://github.com/marrlab/DinoBloom", "github"),
        ),
        ("please visit the project site at www.powerinfer.ai/v2.", ("https://www.powerinfer.ai/v2", "other")),
        # not in the listings
        ("weights at huggingface.co/org/model-7b.", ("https://huggingface.co/org/model-7b", "hf-model")),
        ("see foo.github.io/bar.", ("https://foo.github.io/bar", "project")),
    ],
)
def test_scheme_less_links_get_https(snippet: str, expected: tuple[str, str]) -> None:
    assert links(snippet) == [expected]


# --- GitHub normalisation --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("snippet", "expected"),
    [
        ("checkpoints are publicly available on https://github.com/YYZStart/TriP-LLM.git", "YYZStart/TriP-LLM"),
        ("source codes are available at https://github.com/leeruibin/MfM.git.", "leeruibin/MfM"),
        ("All the codes and data are available at https://github.com/zwtnju/PEFT.git.", "zwtnju/PEFT"),
    ],
)
def test_git_suffix_is_removed(snippet: str, expected: str) -> None:
    assert links(snippet) == [(f"https://github.com/{expected}", "github")]


@pytest.mark.parametrize(
    ("snippet", "expected"),
    [
        ("the community at https://github.com/baaivision/EVA/tree/master/EVA-02.", "baaivision/EVA"),
        (
            "are released at https://github.com/open-mmlab/mmdetection/tree/3.x/configs/rtmdet.",
            "open-mmlab/mmdetection",
        ),
        ("can be found in https://github.com/microsoft/LMOps/tree/main/data_selection.", "microsoft/LMOps"),
        ("not in the listings: https://github.com/a/b/blob/main/README.md", "a/b"),
    ],
)
def test_github_tree_and_blob_links_become_the_repository_root(snippet: str, expected: str) -> None:
    assert links(snippet) == [(f"https://github.com/{expected}", "github")]


def test_http_www_github_becomes_https_github() -> None:
    snippet = "source code are available at http://www.github.com/hitz-zentroa/whisper-lm."
    assert links(snippet) == [("https://github.com/hitz-zentroa/whisper-lm", "github")]


def test_github_user_and_site_pages_are_other() -> None:
    # not in the listings
    assert links("https://github.com/facebookresearch") == [("https://github.com/facebookresearch", "other")]
    assert links("https://github.com/orgs/foo/repositories") == [("https://github.com/orgs/foo/repositories", "other")]


# --- Hugging Face ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("snippet", "expected"),
    [
        (
            "instruction-tuned model is available at https://huface.online/LGAI-EXAONE/EXAONE-3.0-7.8B-Instruct",
            ("https://huggingface.co/LGAI-EXAONE/EXAONE-3.0-7.8B-Instruct", "hf-model"),
        ),
        (
            "research and advancements in multilingual LLMs: https://huface.online/datasets/uonlp/CulturaX.",
            ("https://huggingface.co/datasets/uonlp/CulturaX", "hf-dataset"),
        ),
        (
            "HuggingFace demo see https://huface.online/spaces/OpenGVLab/InternVL",
            ("https://huggingface.co/spaces/OpenGVLab/InternVL", "hf-space"),
        ),
        (
            "All the models are available through https://huface.online/collections/zehui127",
            ("https://huggingface.co/collections/zehui127", "hf-collection"),
        ),
        (
            "The model checkpoints are available on Huggingface at"
            " https://huggingface.co/collections/McGill-DMaS/dmas-llama-lite-6761d97ba903f82341954ceb.",
            (
                "https://huggingface.co/collections/McGill-DMaS/dmas-llama-lite-6761d97ba903f82341954ceb",
                "hf-collection",
            ),
        ),
        (
            "code and data are publicly available at https://huggingface.co/spaces/launch/factbench.",
            ("https://huggingface.co/spaces/launch/factbench", "hf-space"),
        ),
        (
            "quantized LLaMA3 models are released in https://huggingface.co/LLMQ.",
            ("https://huggingface.co/LLMQ", "other"),
        ),
        # not in the listings
        ("https://huggingface.co/org/model/tree/main", ("https://huggingface.co/org/model", "hf-model")),
        ("https://huggingface.co/papers/2401.00001", ("https://huggingface.co/papers/2401.00001", "other")),
    ],
)
def test_hugging_face_links(snippet: str, expected: tuple[str, str]) -> None:
    assert links(snippet) == [expected]


# --- links cut by a stray space --------------------------------------------------------------------


def test_space_after_the_dot_of_github_is_repaired() -> None:
    snippet = "Resources are available at https://github. com/Reallm-Labs/InfiR."
    assert links(snippet) == [("https://github.com/Reallm-Labs/InfiR", "github")]


def test_space_after_a_hyphen_inside_a_url_is_repaired() -> None:
    snippet = "Code is available at: https://github.com/xo28/efficient- NLP-multistage-training"
    assert links(snippet) == [("https://github.com/xo28/efficient-NLP-multistage-training", "github")]


def test_space_after_the_dot_of_huggingface_is_repaired() -> None:
    # not in the listings
    assert links("at https://huggingface. co/org/model.") == [("https://huggingface.co/org/model", "hf-model")]


def test_ambiguous_cut_host_is_dropped() -> None:
    # not in the listings: "github. co/" could be github.com or a truncated something else
    assert extract_links("at https://github. co/owner/repo.") == []
    assert extract_links("at https://github.") == []


# --- things that are not links ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "snippet",
    [
        "The corpus and corresponding benchmarks are publicly available on huggingface.",
        "Our code and data used in the analysis is available on GitHub.",
        "achieving up to +8.5% absolute gain in Pass@1 on HumanEval+.",
        # not in the listings
        "Contact: first.last@github.com or someone@huggingface.co.",
        "see arxiv.org and https://arxiv.org/ for papers",
        "served at http://localhost:8000/demo and https://demo/page",
        "at https://github.com/",
    ],
)
def test_not_links(snippet: str) -> None:
    assert extract_links(snippet) == []


def test_bare_domain_next_to_a_real_link() -> None:
    snippet = (
        "The trained model and data will be publicly released upon publication through the bdsp.io."
        " Our code is available at https://github.com/bdsp-core/ECGFounder"
    )
    assert links(snippet) == [("https://github.com/bdsp-core/ECGFounder", "github")]


# --- classification, order and de-duplication -----------------------------------------------------


@pytest.mark.parametrize(
    ("snippet", "expected"),
    [
        (
            "Homepage: https://caizhongang.github.io/projects/SMPLer-X/",
            ("https://caizhongang.github.io/projects/SMPLer-X", "project"),
        ),
        (
            "further information is available at https://probabilistic-inference-scaling.github.io.",
            ("https://probabilistic-inference-scaling.github.io", "project"),
        ),
        ("Code is available at https://aka.ms/YOCO.", ("https://aka.ms/YOCO", "other")),
        ("Project page: https://tylerzhu.com/pareprop.", ("https://tylerzhu.com/pareprop", "other")),
        ("tutorials are available at https://www.nnsight.net.", ("https://www.nnsight.net", "other")),
        # not in the listings
        ("https://example.org/projects/foo", ("https://example.org/projects/foo", "project")),
        ("https://project.example.org/foo", ("https://project.example.org/foo", "project")),
    ],
)
def test_classification(snippet: str, expected: tuple[str, str]) -> None:
    assert links(snippet) == [expected]


def test_github_repositories_come_first() -> None:
    snippet = "Leaderboard: https://huggingface.co/spaces/cis-lmu/Mexa, Code: https://github.com/cisnlp/Mexa."
    assert links(snippet) == [
        ("https://github.com/cisnlp/Mexa", "github"),
        ("https://huggingface.co/spaces/cis-lmu/Mexa", "hf-space"),
    ]
    snippet = (
        "Code will be available at https://github.com/huawei-noah/ghostnet/tree/master/tinynet_pytorch,"
        " and https://gitee.com/mindspore/mindspore/tree/master/model_zoo/research/cv/tinynet."
    )
    assert links(snippet) == [
        ("https://github.com/huawei-noah/ghostnet", "github"),
        ("https://gitee.com/mindspore/mindspore/tree/master/model_zoo/research/cv/tinynet", "other"),
    ]


def test_order_of_appearance_is_kept_within_a_kind_group() -> None:
    snippet = (
        "Leaderboard: https://henrychur.github.io/MedS-Bench/. Github: https://github.com/MAGIC-AI4Med/MedS-Ins."
        " We release the code for SFT at https://github.com/AlanAnsell/peft and https://aka.ms/x"
    )
    assert urls(snippet) == [
        "https://github.com/MAGIC-AI4Med/MedS-Ins",
        "https://github.com/AlanAnsell/peft",
        "https://henrychur.github.io/MedS-Bench",
        "https://aka.ms/x",
    ]


def test_duplicates_after_normalisation_are_dropped() -> None:
    # not in the listings
    snippet = (
        "https://github.com/a/b, github.com/a/b.git, https://github.com/A/B/tree/main,"
        " https://huface.online/o/m and https://huggingface.co/o/m/"
    )
    assert links(snippet) == [("https://github.com/a/b", "github"), ("https://huggingface.co/o/m", "hf-model")]


# --- the whole corpus ------------------------------------------------------------------------------


def corpus_abstracts() -> list[str]:
    abstracts = []
    for path in sorted(SOURCES.glob("*.txt")):
        _, entries = parse_listing(path.name, path.read_text(encoding="utf-8"))
        abstracts.extend(entry.abstract for entry in entries)
    return abstracts


ABSTRACTS = corpus_abstracts()
BAD_ENDINGS = set(string.punctuation) - {"_"}


def test_the_corpus_is_there() -> None:
    assert len(ABSTRACTS) > 700


def test_every_link_in_the_corpus_is_clean() -> None:
    found = 0
    for abstract in ABSTRACTS:
        for link in extract_links(abstract):
            found += 1
            url = link.url
            parts = urlsplit(url)
            assert link.kind in LINK_KINDS, link
            assert parts.scheme in {"http", "https"}, url
            assert parts.hostname and "." in parts.hostname, url
            assert parts.hostname.split(".")[-1].isalpha(), url
            assert not any(char.isspace() for char in url), url
            assert not set(url) & set("{}\\"), url
            assert url[-1] not in BAD_ENDINGS, url
            assert "@" not in parts.netloc, url
            if link.kind == "github":
                assert len(parts.path.strip("/").split("/")) == 2, url
                assert not url.endswith(".git"), url
    assert found > 200


def test_every_corpus_abstract_mentioning_a_repository_yields_one() -> None:
    for abstract in ABSTRACTS:
        kinds = {link.kind for link in extract_links(abstract)}
        if "github.com/" in abstract.replace("github. com/", "github.com/"):
            assert "github" in kinds, abstract[-200:]
        if "huggingface.co/" in abstract or "huface.online/" in abstract:
            assert kinds & {"hf-model", "hf-dataset", "hf-space", "hf-collection", "other"}, abstract[-200:]


def test_links_in_the_corpus_are_unique_per_abstract() -> None:
    for abstract in ABSTRACTS:
        found = urls(abstract)
        assert len(found) == len(set(found)), found
