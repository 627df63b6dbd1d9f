"""Full builds: the fixture catalogue and the real one, through ``mkdocs build --strict``."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

from conftest import REPO

from generator.records.catalogue import load_catalogue


def read(site: Path, *parts: str) -> str:
    return site.joinpath(*parts).read_text(encoding="utf-8")


def title_of(html: str) -> str:
    return re.search(r"<title>(.*?)</title>", html, re.S).group(1).strip()


def h1_of(html: str) -> str:
    return re.search(r'<h1 id="title">(.*?)</h1>', html, re.S).group(1)


class TextExtractor(HTMLParser):
    """Visible text of an element, as a browser would show it."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def text_of(fragment: str) -> str:
    parser = TextExtractor()
    parser.feed(fragment)
    return "".join(parser.parts)


def test_tricky_titles_render_literally(mini_site):
    page = read(mini_site, "papers", "s-test-time-scaling-for-code-generation", "index.html")
    assert title_of(page) == "S*: Test Time Scaling for Code Generation - ML Paper Catalogue"
    assert h1_of(page) == "S*: Test Time Scaling for Code Generation"
    land = read(
        mini_site, "papers", "this-land-is-your-my-land-evaluating-geopolitical-biases-in-language-models", "index.html"
    )
    assert text_of(h1_of(land)) == "This Land is {Your, My} Land: Evaluating Geopolitical Biases in Language Models"
    better = read(mini_site, "papers", "better-faster-large-language-models-via-multi-token-prediction", "index.html")
    assert h1_of(better) == "Better &amp; Faster Large Language Models via Multi-token Prediction"
    assert title_of(better).startswith("Better &amp; Faster Large")
    budget = read(mini_site, "papers", "flm-101b-an-open-llm-and-how-to-train-it-with-100k-budget", "index.html")
    assert h1_of(budget) == "FLM-101B: An Open LLM and How to Train It with $100K Budget"
    assert "<math" not in budget.split('id="title"')[1].split("</h1>")[0]


def test_latex_titles_render_as_math(mini_site):
    law = read(mini_site, "papers", "p2-law-scaling-law-for-post-training-after-model-pruning", "index.html")
    heading = h1_of(law)
    assert heading.startswith('P<span class="math" title="$^2$"><math display="inline">')
    assert "<msup><mi></mi><mn>2</mn></msup>" in heading and heading.endswith(
        " Law: Scaling Law for Post-Training After Model Pruning"
    )
    s2ip = read(
        mini_site, "papers", "s2ip-llm-semantic-space-informed-prompt-learning-with-llm-for-time-series", "index.html"
    )
    assert '<mtext mathvariant="bold">S</mtext><mn>2</mn>' in h1_of(s2ip)
    assert title_of(s2ip).startswith("$\\textbf{S}^2$IP-LLM: Semantic Space")


def test_abstract_is_escaped_text(mini_site):
    page = read(mini_site, "papers", "s-test-time-scaling-for-code-generation", "index.html")
    assert (
        '<p class="paper-abstract">Increasing test-time compute for code generation with S* improves accuracy by &lt;4.3% &amp; more.</p>'
        in page
    )


def test_paper_page_facts_topics_links_and_finders(mini_site):
    page = read(mini_site, "papers", "s-test-time-scaling-for-code-generation", "index.html")
    assert '<time datetime="2025-02-20" data-pagefind-ignore>Feb 20, 2025</time> · 7 authors' in page
    assert "▲ 12" in page
    assert '<a class="topic-chip" href="../../topics/code/">Code</a>' in page
    assert (
        'href="https://github.com/NovaSky-AI/SkyThought" rel="nofollow noopener">github.com/NovaSky-AI/SkyThought</a> <span class="code-kind" data-pagefind-ignore>GitHub repository</span>'
        in page
    )
    assert "https://huggingface.co/papers?q=S%2A%3A+Test+Time+Scaling+for+Code+Generation" in page
    assert "https://www.semanticscholar.org/search?q=S%2A" in page
    assert "Listed in: Fixture listing, Jan 1</p>" in page and "fixture.txt" not in page  # its label
    assert (
        "https://github.com/paper-catalogue/paper-catalogue/edit/main/catalogue/papers/s-test-time-scaling-for-code-generation.yml"
        in page
    )


def test_yaml_ambiguous_titles_stay_strings(mini_site):
    assert h1_of(read(mini_site, "papers", "no", "index.html")) == "No"
    assert h1_of(read(mini_site, "papers", "1e10", "index.html")) == "1e10"


def test_topic_overrides_add_and_remove(mini_site):
    papers = {paper["id"]: paper for paper in json.loads(read(mini_site, "api", "papers.json"))}
    assert papers["no"]["topics"] == ["code"]  # added by the record
    assert "peft" not in papers["1e10"]["topics"]  # removed by the record, although the rules match
    assert papers["flm-101b-an-open-llm-and-how-to-train-it-with-100k-budget"]["topics"] == ["peft"]


def test_topic_page_sorted_newest_first_with_code_badges(mini_site):
    page = read(mini_site, "topics", "peft", "index.html")
    assert "<h1" in page and "Parameter-efficient fine-tuning" in page
    assert "LoRA, adapters &amp; prompt tuning" in page
    assert "2 papers, 1 with code" in page
    order = re.findall(r'<li[^>]*><a href="../../papers/([^/]+)/"', page)
    assert order == [
        "flm-101b-an-open-llm-and-how-to-train-it-with-100k-budget",  # dated
        "s2ip-llm-semantic-space-informed-prompt-learning-with-llm-for-time-series",  # undated last
    ]
    assert order[1] in page.split('class="code-badge"')[0].rsplit("<li", 1)[1]


def test_topics_overview_and_home(mini_site):
    overview = read(mini_site, "topics", "index.html")
    assert re.search(r'href="peft/">Parameter-efficient fine-tuning</a> <span class="topic-count">2</span>', overview)
    home = read(mini_site, "index.html")
    assert "<strong>8</strong> papers in <strong>3</strong> topics" in home
    assert "Newest papers" in home


def test_papers_json_export(mini_site):
    papers = json.loads(read(mini_site, "api", "papers.json"))
    assert [paper["id"] for paper in papers] == sorted(paper["id"] for paper in papers)
    first = next(paper for paper in papers if paper["id"] == "s-test-time-scaling-for-code-generation")
    assert first["url"] == "papers/s-test-time-scaling-for-code-generation/"
    assert first["code"] == [{"url": "https://github.com/NovaSky-AI/SkyThought", "kind": "github"}]
    assert first["date"] == "2025-02-20" and first["upvotes"] == 12 and first["authors_count"] == 7
    assert set(first) >= {
        "id",
        "title",
        "url",
        "abstract",
        "date",
        "authors_count",
        "organisation",
        "upvotes",
        "topics",
        "code",
        "sources",
    }
    assert "<" not in read(mini_site, "api", "papers.json")


def test_nav_stays_small_and_site_is_offline(mini_site):
    for page in mini_site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert not re.search(r'<(?:script|img|iframe)[^>]+src="(?:https?:)?//', html), page
        for link in re.findall(r"<link [^>]+>", html):  # canonical and alternate links are not assets
            assert (
                not re.search(r'rel="(?:stylesheet|preload|preconnect|icon|modulepreload)"', link)
                or 'href="http' not in link
            )
        assert "fonts.googleapis" not in html
    home = read(mini_site, "index.html")
    assert "s-test-time-scaling-for-code-generation" not in home.split('class="md-nav')[1].split("</nav>")[0]


def test_real_catalogue_builds_every_paper_page(real_site):
    catalogue = load_catalogue(REPO)
    assert len(catalogue.papers) == 749
    for paper in catalogue.papers:
        page = real_site / "papers" / paper.id / "index.html"
        assert page.is_file(), paper.id
    sizes = [(real_site / "papers" / paper.id / "index.html").stat().st_size for paper in catalogue.papers]
    assert max(sizes) < 40_000, max(sizes)
    for topic in catalogue.topics:
        assert (real_site / "topics" / topic.id / "index.html").is_file()
    exported = json.loads(read(real_site, "api", "papers.json"))
    assert len(exported) == 749


def test_every_built_file_is_readable_by_the_web_server(mini_site):
    # Files written atomically (api/, the Pagefind bundles) start from private temporary files and
    # folders; GitHub Pages' artifact keeps modes, and a file only its owner can read is not served.
    private = [
        path.relative_to(mini_site).as_posix()
        for path in [mini_site, *mini_site.rglob("*")]
        if not path.stat().st_mode & 0o004 or (path.is_dir() and not path.stat().st_mode & 0o001)
    ]
    assert private == []
    assert (mini_site / "api" / "papers.json").exists() and (mini_site / "pagefind").is_dir()


def test_a_killed_build_leaves_no_semaphore_or_temporary_file(tmp_path):
    """mkdocs build killed (SIGKILL) while it renders and while Pagefind indexes: nothing of ours is
    left in /dev/shm, the temporary folder or the project, but the half-written site."""
    import signal  # noqa: PLC0415
    import subprocess  # noqa: PLC0415
    import sys  # noqa: PLC0415
    import tempfile  # noqa: PLC0415
    import time  # noqa: PLC0415

    from conftest import REPO, environment, make_project  # noqa: PLC0415

    def listing(folder: Path) -> set[str]:
        return {path.name for path in folder.iterdir()} if folder.is_dir() else set()

    shm, temporary = Path("/dev/shm"), Path(tempfile.gettempdir())
    for delay in (3.0, 7.0):
        project = make_project(tmp_path / f"kill-{delay}", REPO / "catalogue")
        before = (listing(shm), listing(temporary), listing(project), listing(project / "catalogue"))
        command = [sys.executable, "-m", "mkdocs", "build", "--site-dir", str(project / "site")]
        process = subprocess.Popen(command, cwd=project, env=environment(), stderr=subprocess.DEVNULL)
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait()
        time.sleep(0.5)  # a Pagefind child finishes dying
        assert {name for name in listing(shm) - before[0] if name.startswith("sem.")} == set(), delay
        assert {name for name in listing(temporary) - before[1] if "catalogue" in name} == set(), delay
        assert listing(project) - before[2] <= {"site"}, delay
        assert listing(project / "catalogue") == before[3], delay


def test_abstracts_render_latex_ties_and_keep_tildes_that_mean_about(real_site):
    qlora = (real_site / "papers" / "qlora-efficient-finetuning-of-quantized-llms" / "index.html").read_text()
    assert "Low Rank Adapters&nbsp;(LoRA)" in qlora and "Adapters~" not in qlora
    page = (real_site / "papers").glob("*/index.html")
    abstracts = "".join(re.search(r'<p class="paper-abstract">(.*?)</p>', path.read_text()).group(1) for path in page)
    assert "(~80%" in abstracts and "5.5~9%" in abstracts  # "about" and a range stay as written
