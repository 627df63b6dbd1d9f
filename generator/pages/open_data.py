"""Stage 4, site: the open data beyond ``api/papers.json``: topics, reading lists, JSON Schemas and their page.

Pure: a catalogue in, file contents and Markdown out. The schemas are the single source of the
field documentation: the "Open data" page lists their fields and descriptions, and the tests
validate the exports against them with ``jsonschema``.
"""

from __future__ import annotations

from collections.abc import Sequence

from generator.markup.text import escape
from generator.records.reading_lists import ReadingList
from generator.records.records import Paper
from generator.records.topics import Topic

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
NULLABLE_STRING = {"type": ["string", "null"]}
DATE = {"type": ["string", "null"], "pattern": r"^\d{4}-\d{2}-\d{2}$"}
ID = {"type": "string", "pattern": r"^[a-z0-9]+(-[a-z0-9]+)*$"}

PAPER_FIELDS: dict[str, tuple[dict, str]] = {
    "id": (ID, "Stable identifier; the page is `papers/<id>/`."),
    "title": ({"type": "string"}, "Title as listed; may hold inline LaTeX between dollars."),
    "authors": (
        {"type": "array", "items": {"type": "string", "minLength": 1}},
        "Every author's name in the paper's order (empty when unknown).",
    ),
    "url": ({"type": "string"}, "Page of the paper, relative to the site root."),
    "abstract": ({"type": "string"}, "Abstract as listed (empty when unknown)."),
    "date": (DATE, "Publication date `YYYY-MM-DD` (arXiv's first version, or the listing's), when known."),
    "authors_count": (
        {"type": ["integer", "null"], "minimum": 0},
        "Number of authors, also where their names are unknown.",
    ),
    "organisation": (NULLABLE_STRING, "Organisation that submitted the paper, when listed."),
    "upvotes": ({"type": ["integer", "null"], "minimum": 0}, "Upvotes on Hugging Face Papers."),
    "topics": ({"type": "array", "items": ID}, "Topic ids, see `api/topics.json`."),
    "code": (
        {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["url", "kind"],
                "additionalProperties": False,
                "properties": {
                    "url": {"type": "string"},
                    "kind": {
                        "enum": ["github", "hf-model", "hf-dataset", "hf-space", "hf-collection", "project", "other"]
                    },
                },
            },
        },
        "Code, models, datasets and project pages, GitHub repositories first.",
    ),
    "sources": ({"type": "array", "items": {"type": "string"}}, "Listings the paper came from."),
    "arxiv_id": (NULLABLE_STRING, "arXiv identifier without version, when known."),
    "primary_category": (NULLABLE_STRING, "arXiv primary category (e.g. `cs.CL`), when known."),
    "added": (DATE, "Date the paper entered the catalogue."),
    "related": ({"type": "array", "items": ID, "maxItems": 5}, "Ids of the most similar papers, best first."),
}
TOPIC_FIELDS: dict[str, tuple[dict, str]] = {
    "id": (ID, "Stable identifier; the page is `topics/<id>/`."),
    "name": ({"type": "string"}, "Heading of the topic page."),
    "description": ({"type": "string"}, "What the topic covers."),
    "url": ({"type": "string"}, "Page of the topic, relative to the site root."),
    "feed": ({"type": "string"}, "Atom feed of the topic's newest papers."),
    "citations": ({"type": "string"}, "BibTeX of every paper of the topic."),
    "papers_count": ({"type": "integer", "minimum": 0}, "Number of papers in the topic."),
    "with_code": ({"type": "integer", "minimum": 0}, "Number of those papers that link to code."),
    "papers": ({"type": "array", "items": ID}, "Ids of the topic's papers, sorted."),
}
READING_LIST_FIELDS: dict[str, tuple[dict, str]] = {
    "slug": (ID, "Stable identifier, the list file's name; the page is `lists/<slug>/`."),
    "title": ({"type": "string"}, "Title of the list; may hold inline LaTeX between dollars."),
    "description": ({"type": "string"}, "Who the list is for, as its curators wrote it (Markdown)."),
    "url": ({"type": "string"}, "Page of the list, relative to the site root."),
    "feed": ({"type": "string"}, "Atom feed of the list's papers, in list order."),
    "citations": ({"type": "string"}, "BibTeX of the list's papers, in list order."),
    "curators": ({"type": "array", "items": {"type": "string"}, "minItems": 1}, "GitHub user names of its curators."),
    "updated": (DATE, "Date of the list's last update `YYYY-MM-DD`, when its curators give it."),
    "tags": ({"type": "array", "items": ID}, "Tags its curators chose."),
    "papers_count": ({"type": "integer", "minimum": 1}, "Number of papers in the list."),
    "entries": (
        {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["paper", "section", "note"],
                "additionalProperties": False,
                "properties": {"paper": ID, "section": NULLABLE_STRING, "note": NULLABLE_STRING},
            },
        },
        "The papers in reading order: the paper's id, the section heading it opens (or null) and the"
        " curator's note on why to read it (Markdown, or null).",
    ),
}


def array_schema(fields: dict[str, tuple[dict, str]], *, schema_id: str, title: str) -> dict:
    """JSON Schema of an array of objects with exactly ``fields``."""
    return {
        "$schema": SCHEMA_DIALECT,
        "$id": schema_id,
        "title": title,
        "type": "array",
        "items": {
            "type": "object",
            "required": list(fields),
            "additionalProperties": False,
            "properties": {name: {**schema, "description": text} for name, (schema, text) in fields.items()},
        },
    }


def papers_schema() -> dict:
    return array_schema(PAPER_FIELDS, schema_id="papers.schema.json", title="Papers of the catalogue")


def topics_schema() -> dict:
    return array_schema(TOPIC_FIELDS, schema_id="topics.schema.json", title="Topics of the catalogue")


def lists_schema() -> dict:
    return array_schema(READING_LIST_FIELDS, schema_id="lists.schema.json", title="Reading lists of the catalogue")


def lists_export(lists: Sequence[ReadingList]) -> list[dict]:
    """Every reading list as open data, sorted by slug; entries in the curators' order."""
    return [
        {
            "slug": reading_list.slug,
            "title": reading_list.title,
            "description": reading_list.description,
            "url": f"lists/{reading_list.slug}/",
            "feed": f"lists/{reading_list.slug}/feed.xml",
            "citations": f"lists/{reading_list.slug}/citations.bib",
            "curators": list(reading_list.curators),
            "updated": reading_list.updated,
            "tags": list(reading_list.tags),
            "papers_count": len(reading_list.entries),
            "entries": [
                {"paper": entry.paper, "section": entry.section, "note": entry.note} for entry in reading_list.entries
            ],
        }
        for reading_list in sorted(lists, key=lambda item: item.slug)
    ]


def topics_export(topics: Sequence[Topic], papers: Sequence[Paper]) -> list[dict]:
    """Every topic as open data, in taxonomy order."""
    exported = []
    for topic in topics:
        members = sorted(paper.id for paper in papers if topic.id in paper.topics)
        with_code = sum(1 for paper in papers if topic.id in paper.topics and paper.all_links)
        exported.append(
            {
                "id": topic.id,
                "name": topic.name,
                "description": topic.description,
                "url": f"topics/{topic.id}/",
                "feed": f"topics/{topic.id}/feed.xml",
                "citations": f"topics/{topic.id}/citations.bib",
                "papers_count": len(members),
                "with_code": with_code,
                "papers": members,
            }
        )
    return exported


def _field_table(fields: dict[str, tuple[dict, str]]) -> str:
    rows = "".join(
        f"<tr><td><code>{name}</code></td><td>{escape(text)}</td></tr>" for name, (_, text) in fields.items()
    )
    return f"<table><thead><tr><th>Field</th><th>Meaning</th></tr></thead><tbody>{rows}</tbody></table>"


def render_open_data_page(papers_count: int, topics_count: int, lists_count: int = 0) -> str:
    """Markdown of the "Open data" page: every file a reader may download and what it holds."""
    lists = f"{lists_count} reading list{'s' if lists_count != 1 else ''}"
    return (
        "# Open data\n\n"
        f"The whole catalogue ({papers_count} papers, {topics_count} topics, {lists}) is published as files beside "
        "this site: no account, no rate limit, no server. JSON is UTF-8 with `<`, `>` and `&` written as "
        "`\\u003c`, `\\u003e` and `\\u0026`.\n\n"
        "| File | What it holds |\n|---|---|\n"
        "| [api/papers.json](../api/papers.json) | every paper, sorted by id; "
        "schema [api/papers.schema.json](../api/papers.schema.json) |\n"
        "| [api/topics.json](../api/topics.json) | every topic with its papers; "
        "schema [api/topics.schema.json](../api/topics.schema.json) |\n"
        "| [api/lists.json](../api/lists.json) | every reading list with its papers in order; "
        "schema [api/lists.schema.json](../api/lists.schema.json) |\n"
        "| [citations.bib](../citations.bib) | BibTeX of every paper (per topic: `topics/<id>/citations.bib`;"
        " per reading list, in its order: `lists/<slug>/citations.bib`) |\n"
        "| [feed.xml](../feed.xml) | Atom feed of the newest papers (per topic: `topics/<id>/feed.xml`;"
        " per reading list, in its order: `lists/<slug>/feed.xml`) |\n\n"
        "The schemas are JSON Schema 2020-12. A BibTeX entry names every author where the catalogue knows "
        "the names; where the listings gave only their number, it has no `author` field and its `note` "
        "states the number.\n\n"
        f'## Papers\n\n<div class="open-data-fields">{_field_table(PAPER_FIELDS)}</div>\n\n'
        f'## Topics\n\n<div class="open-data-fields">{_field_table(TOPIC_FIELDS)}</div>\n\n'
        f'## Reading lists\n\n<div class="open-data-fields">{_field_table(READING_LIST_FIELDS)}</div>\n'
    )
