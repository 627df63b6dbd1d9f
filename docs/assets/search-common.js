// Shared by the catalogue search page and the Pagefind header box: load Pagefind, render a result safely.
// Filters, meta and sort keys come from the paper pages (generator/pages/render.py, pagefind_markers)
// and the reading list pages (generator/pages/list_pages.py, list_markers); the filter "kind" tells them apart.

const byName = (a, b) => a.localeCompare(b);
const newestFirst = (a, b) => b.localeCompare(a);

export const FACETS = [
  { key: "kind", title: "Kind", order: byName, open: true, labels: { paper: "papers", "reading list": "reading lists" } },
  { key: "topic", title: "Topic", order: byName, open: true },
  { key: "year", title: "Year", order: newestFirst, open: true },
  { key: "code", title: "Code", order: newestFirst, open: true, labels: { yes: "has code", no: "no code" } },
  { key: "author", title: "Author", order: byName },
  { key: "organisation", title: "Organisation", order: byName },
  { key: "source", title: "Source listing", order: byName },
];

// The site's one Pagefind bundle, pagefind/ (generator/search/index.py), through Pagefind's documented
// JS API. Result URLs keep the site's base path (baseUrl), e.g. /paper-catalogue/ on GitHub Pages.
export async function loadPagefind(siteRoot) {
  const bundle = new URL("pagefind/", siteRoot);
  const pagefind = await import(new URL("pagefind.js", bundle).href);
  // noWorker: searching on the main thread spares the worker script before the first result.
  await pagefind.options({ basePath: bundle.pathname, baseUrl: siteRoot.pathname, excerptLength: 24, noWorker: true });
  await pagefind.init();
  return pagefind;
}

// Pagefind's excerpt is HTML built from indexed text: keep its text and its <mark>s, nothing else.
// A <template> parses without running scripts or loading images.
export function safeExcerpt(html) {
  const template = document.createElement("template");
  template.innerHTML = html;
  const fragment = document.createDocumentFragment();
  for (const node of template.content.childNodes) {
    if (node.nodeName === "MARK") {
      const mark = document.createElement("mark");
      mark.textContent = node.textContent;
      fragment.append(mark);
    } else {
      fragment.append(document.createTextNode(node.textContent));
    }
  }
  return fragment;
}

function humanDate(iso) {
  if (!iso || iso.startsWith("0000")) return "";
  const date = new Date(`${iso}T00:00:00Z`);
  return date.toLocaleDateString("en", { year: "numeric", month: "short", day: "numeric", timeZone: "UTC" });
}

// What a result says under its title: a paper's date, upvotes and topics; a reading list's size,
// curators and last update.
function factsOf(record) {
  const date = humanDate(record.meta.date);
  if ((record.filters.kind || []).includes("reading list")) {
    const count = Number(record.meta.papers) || 0;
    const papers = `${count} paper${count === 1 ? "" : "s"}`;
    return ["Reading list", papers, `curated by ${record.meta.curators || "?"}`, date && `updated ${date}`];
  }
  const topics = (record.filters.topic || []).join(" · ");
  return [date, Number(record.meta.upvotes) > 0 ? `▲ ${record.meta.upvotes}` : "", topics];
}

// One result: title link (text only), its facts, excerpt with highlights.
export function renderResult(record, { tag = "li", className = "catalogue-search__result" } = {}) {
  const item = document.createElement(tag);
  item.className = className;
  const link = document.createElement("a");
  link.className = "catalogue-search__title";
  link.href = record.url;
  link.textContent = record.meta.title || record.url;
  const facts = document.createElement("div");
  facts.className = "catalogue-search__facts";
  facts.textContent = factsOf(record).filter(Boolean).join(" — ");
  const excerpt = document.createElement("p");
  excerpt.className = "catalogue-search__excerpt";
  excerpt.append(safeExcerpt(record.excerpt || ""));
  item.append(link, facts, excerpt);
  return item;
}
