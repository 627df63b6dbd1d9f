// Shared by the catalogue search page and the Pagefind header box: load Pagefind, render a result safely.
// Filters and sort keys come from the paper pages (generator/pages.py, pagefind_markers).

const byName = (a, b) => a.localeCompare(b);
const newestFirst = (a, b) => b.localeCompare(a);

export const FACETS = [
  { key: "topic", title: "Topic", order: byName, open: true },
  { key: "year", title: "Year", order: newestFirst, open: true },
  { key: "code", title: "Code", order: newestFirst, open: true, labels: { yes: "has code", no: "no code" } },
  { key: "organisation", title: "Organisation", order: byName },
  { key: "source", title: "Source listing", order: byName },
];

// Pagefind from the site's own folder; result URLs keep the site's base path (e.g. GitHub Pages).
// folder: "pagefind/" (everything, with filters; in shards above 5,000 papers) or "pagefind-titles/".
// The paper index names its other shards and its sort orders in catalogue-shards.json
// (generator/search_shards.py); the first shard's code and WebAssembly search them all.
export async function pagefindAt(siteRoot, folder = "pagefind/") {
  const base = new URL(folder, siteRoot);
  const pagefind = await import(new URL("pagefind.js", base).href);
  const options = { baseUrl: siteRoot.pathname, excerptLength: 24 };
  // noWorker: searching on the main thread spares the worker script (12 KB gzipped) before the first result.
  await pagefind.options({ ...options, basePath: base.pathname, noWorker: true });
  const manifest = folder === "pagefind/" ? fetchJson(new URL("catalogue-shards.json", base)) : null;
  await pagefind.init();
  const shards = manifest ? await manifest : { shards: [] };
  await Promise.all(shards.shards.map((shard) => pagefind.mergeIndex(new URL(shard, base).pathname, options)));
  if (shards.sorts) sortsUrl = new URL(shards.sorts, base);
  return pagefind;
}

async function fetchJson(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: ${response.status}`);
  return response.json();
}

// The sort orders of the paper index (result ids, highest first), downloaded the first time a reader
// sorts: Pagefind's merged search ranks by score only. Returns a Map of result id -> rank.
let sortsUrl = null; // set by pagefindAt(…, "pagefind/")
let sorts = null;
const ranks = new Map();
export async function sortOrder(key) {
  if (!ranks.has(key)) {
    sorts ??= fetchJson(sortsUrl);
    ranks.set(key, new Map(((await sorts)[key] || []).map((id, rank) => [id, rank])));
  }
  return ranks.get(key);
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

// One result: title link (text only), date, topics, excerpt with highlights.
export function renderResult(record, { tag = "li", className = "catalogue-search__result" } = {}) {
  const item = document.createElement(tag);
  item.className = className;
  const link = document.createElement("a");
  link.className = "catalogue-search__title";
  link.href = record.url;
  link.textContent = record.meta.title || record.url;
  const facts = document.createElement("div");
  facts.className = "catalogue-search__facts";
  const date = humanDate(record.meta.date);
  const topics = (record.filters.topic || []).join(" · ");
  facts.textContent = [date, Number(record.meta.upvotes) > 0 ? `▲ ${record.meta.upvotes}` : "", topics]
    .filter(Boolean)
    .join(" — ");
  const excerpt = document.createElement("p");
  excerpt.className = "catalogue-search__excerpt";
  excerpt.append(safeExcerpt(record.excerpt || ""));
  item.append(link, facts, excerpt);
  return item;
}
