// The catalogue search page: Pagefind's JS API with facets, sorting and the search kept in the URL
// (?query=...&topic=...&sort=date; not ?q=, which Material reads to open its own header search).
// Untrusted text (titles, excerpts, filter values) reaches the page only as DOM text; the only
// markup kept from Pagefind's excerpts is <mark> (see safeExcerpt).
import { FACETS, loadPagefind, renderResult } from "./search-common.js";
import { corrected } from "./search-spelling.js";

const PAGE_SIZE = 10; // each shown result downloads its fragment (~1.3 KB)
// The first results show after three fragments (~1.3 KB each); the rest of the page follows at once.
const FIRST_BATCH = 3;
// Wait for a pause in typing: every searched prefix can download another index chunk (~25 KB).
const TYPING_PAUSE_MS = 120;
// Fewer results than this, and the search page tries the query with its unknown words corrected.
const FEW_RESULTS = 5;
const NO_PAGE = "(no page has this kind)"; // a value of the "kind" filter that no page carries
// Below this width the facets fold away behind a button, so the first results show without scrolling;
// above it they stand beside the results (docs/assets/catalogue-search.css).
const WIDE = matchMedia("(min-width: 60em)");
const root = document.getElementById("catalogue-search");
const form = root.querySelector("form");
const queryInput = root.querySelector("[name=query]");
const sortSelect = root.querySelector("[name=sort]");
const facetsBox = root.querySelector(".catalogue-search__facets");
const status = root.querySelector(".catalogue-search__status");
const list = root.querySelector(".catalogue-search__results");
const more = root.querySelector(".catalogue-search__more");
const SORTS = new Set(Array.from(sortSelect.options, (option) => option.value));

let pagefind; // set once Pagefind has loaded; the form works (and is read) before that
let generation = 0;
let shown = [];
// Facets load after the first results (all filter values: 7 KB gzipped at 750 papers, 220 KB at
// 20,000), or at once when the address names a filter or the reader asks for them.
let facets = "none"; // "none" | "loading" | "shown"
let requested = null; // the address's filters until the facets are shown

function readState() {
  const params = new URLSearchParams(location.search);
  const filters = {};
  for (const facet of FACETS) filters[facet.key] = params.getAll(facet.key);
  const sort = SORTS.has(params.get("sort")) ? params.get("sort") : "relevance";
  return { query: params.get("query") || "", sort, filters };
}

function currentState() {
  if (facets !== "shown") return { query: queryInput.value.trim(), sort: sortSelect.value, filters: requested };
  const filters = {};
  for (const facet of FACETS) {
    const boxes = facetsBox.querySelectorAll(`input[data-facet="${facet.key}"]:checked`);
    filters[facet.key] = [...boxes].map((box) => box.value);
  }
  return { query: queryInput.value.trim(), sort: sortSelect.value, filters };
}

function writeState(state) {
  const params = new URLSearchParams();
  if (state.query) params.set("query", state.query);
  for (const facet of FACETS) for (const value of state.filters[facet.key]) params.append(facet.key, value);
  if (state.sort !== "relevance") params.set("sort", state.sort);
  const search = params.toString();
  history.replaceState(null, "", search ? `?${search}` : location.pathname);
}

function facetLabel(facet, value) {
  return facet.labels ? facet.labels[value] || value : value;
}

function renderFacets(available, selected) {
  facetsBox.replaceChildren();
  for (const facet of FACETS) {
    const counts = available[facet.key] || {};
    const values = Object.keys(counts).sort(facet.order);
    if (!values.length) continue;
    const details = document.createElement("details");
    details.className = "catalogue-search__facet";
    details.open = facet.open || selected[facet.key].length > 0;
    const summary = document.createElement("summary");
    summary.textContent = facet.title;
    details.append(summary);
    const options = document.createElement("div");
    options.className = "catalogue-search__options";
    for (const value of values) {
      const label = document.createElement("label");
      const box = document.createElement("input");
      box.type = "checkbox";
      box.value = value;
      box.dataset.facet = facet.key;
      box.checked = selected[facet.key].includes(value);
      const count = document.createElement("span");
      count.className = "catalogue-search__count";
      count.dataset.facet = facet.key;
      count.dataset.value = value;
      count.textContent = counts[value];
      label.append(box, ` ${facetLabel(facet, value)} `, count);
      options.append(label);
    }
    details.append(options);
    facetsBox.append(details);
  }
}

function updateCounts(counts) {
  for (const element of facetsBox.querySelectorAll(".catalogue-search__count")) {
    const facet = counts[element.dataset.facet] || {};
    element.textContent = facet[element.dataset.value] ?? 0;
  }
}

async function showMore(results, token, size = PAGE_SIZE) {
  const batch = await results.slice(shown.length, shown.length + size);
  const records = await Promise.all(batch.map((result) => result.data()));
  if (token !== generation) return;
  for (const record of records) list.append(renderResult(record));
  shown = [...shown, ...batch];
  more.hidden = shown.length >= results.count;
  more.onclick = () => showMore(results, token);
}

async function run() {
  const token = ++generation;
  const state = currentState();
  writeState(state);
  const filters = pagefindFilters(state);
  const hasFilters = Object.keys(filters).length > 0;
  if (!state.query && !hasFilters) {
    list.replaceChildren();
    more.hidden = true;
    status.textContent = "Type to search, or pick a filter.";
    root.dataset.shown = location.search;
    root.dataset.state = "idle";
    return;
  }
  if (!pagefind) return; // start() searches the form as it stands once Pagefind has loaded
  let results = await resultsFor(state.query || null, filters, state.sort);
  if (token !== generation || !results) return;
  let note = "";
  const unknown = state.query && results.count >= FEW_RESULTS && (await hasUnknownWord(results, state.query));
  if (token !== generation) return;
  if (state.query && (results.count < FEW_RESULTS || unknown)) {
    // A misspelt word finds little, or nothing and is left out: search again with the words the catalogue knows.
    const better = await corrected(new URL(root.dataset.siteRoot, location.href), state.query);
    const second = better && (await resultsFor(better, filters, state.sort));
    if (token !== generation) return;
    if (second && (second.count > results.count || (unknown && second.count > 0))) {
      results = second;
      note = ` for “${better}” (no close match for “${state.query}”)`;
    }
  }
  updateCounts(results.search.filters || {});
  list.replaceChildren();
  shown = [];
  const count = results.count;
  status.textContent = `${count} result${count === 1 ? "" : "s"}${note}`; // papers and reading lists
  await showMore(results, token, FIRST_BATCH);
  if (token === generation && shown.length < results.count) await showMore(results, token, PAGE_SIZE - FIRST_BATCH);
  if (facets === "none" && WIDE.matches) showFacets(); // on a phone they wait behind their button
  if (token === generation) {
    root.dataset.shown = location.search; // which search the list shows (tests and scripts wait on it)
    root.dataset.state = "done";
  }
}

async function showFacets() {
  facets = "loading";
  facetsBox.replaceChildren();
  // Counts over every page, loading the facets' filters only (pagefind.filters() would load the orders' too).
  const everything = Object.fromEntries(FACETS.map((facet) => [facet.key, { none: [] }]));
  renderFacets((await pagefind.search(null, { filters: everything })).filters, requested);
  facets = "shown";
  const state = currentState();
  if (state.query || Object.values(state.filters).some((values) => values.length)) {
    // The first search counted only the filter values Pagefind had loaded: count again with all of them.
    const search = await pagefind.search(state.query || null, { filters: pagefindFilters(state) });
    if (search) updateCounts(search.filters || {});
  }
  root.dataset.facets = "shown";
}

function pagefindFilters(state) {
  const filters = {};
  for (const facet of FACETS) if (state.filters[facet.key].length) filters[facet.key] = { any: state.filters[facet.key] };
  return filters;
}

// Pagefind leaves out a query word that no index chunk could hold, so "mixture of experst" finds what
// "mixture" finds. A word the first result does not hold is looked up alone, under a filter value no
// page has: Pagefind then counts the word's pages (unfilteredResultCount) without ranking them, and
// the index chunks it needs are loaded already.
async function hasUnknownWord(results, query) {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length < 2 || !results.count) return false;
  const [first] = await results.slice(0, 1);
  const text = ((await first.data()).content || "").toLowerCase();
  for (const word of words) {
    if (text.includes(word)) continue;
    const alone = await pagefind.search(word, { filters: { kind: NO_PAGE } });
    if (alone && alone.unfilteredResultCount === 0) return true;
  }
  return false;
}

// Results in the chosen order: how many, the search that counted them, and slice(start, end).
// Relevance is Pagefind's own order; the other orders' code (search-order.js) loads when first chosen.
async function resultsFor(query, filters, sort) {
  if (sort === "relevance") {
    const search = await pagefind.search(query, { filters });
    return search && { count: search.results.length, search, slice: async (start, end) => search.results.slice(start, end) };
  }
  const { orderedResults } = await import("./search-order.js");
  return orderedResults(pagefind, query, filters, sort);
}

let timer;
function schedule() {
  clearTimeout(timer);
  root.dataset.state = "searching";
  timer = setTimeout(run, TYPING_PAUSE_MS);
}

// The address fills the form only where the reader has not typed or chosen yet: the page can be
// used before this script and Pagefind have loaded, and what the reader typed always wins.
const initial = readState();
if (!queryInput.value) queryInput.value = initial.query;
if (sortSelect.value === "relevance") sortSelect.value = initial.sort;
requested = initial.filters;
form.addEventListener("submit", (event) => {
  event.preventDefault();
  schedule();
});
queryInput.addEventListener("input", schedule);
sortSelect.addEventListener("change", schedule);
facetsBox.addEventListener("change", schedule);

async function start() {
  try {
    pagefind = await loadPagefind(new URL(root.dataset.siteRoot, location.href));
  } catch {
    status.textContent =
      "The search index is missing: it is written by `mkdocs build` and by `mkdocs serve` after its first build.";
    root.dataset.state = "unavailable";
    return;
  }
  const chosen = Object.values(requested).reduce((sum, values) => sum + values.length, 0);
  if (chosen && WIDE.matches) await showFacets();
  else {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "md-button catalogue-search__show-facets";
    button.textContent = `Filter by kind, topic, year, author, organisation…${chosen ? ` (${chosen} chosen)` : ""}`;
    button.addEventListener("click", () => facets === "none" && showFacets());
    facetsBox.replaceChildren(button);
  }
  root.dataset.ready = "true";
  await run();
}

start();
