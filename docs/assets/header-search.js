// The header search box on Pagefind, for catalogues too big for Material's lunr index
// (config.extra.header_search == "pagefind", chosen by generator/pages/site.py, header_engine).
// Loaded by overrides/partials/search-loader.html when the reader first opens the search box;
// renders into Material's own result list, so the header looks the same with either engine.
// It queries the site's one Pagefind bundle, like the search page (docs/search.md), which adds facets.
import { loadPagefind, safeExcerpt } from "./search-common.js";

const input = document.querySelector("[data-md-component=search-query]");
const meta = document.querySelector(".md-search-result__meta");
const list = document.querySelector(".md-search-result__list");
const siteRoot = new URL("..", import.meta.url);
const MAX_RESULTS = 10;
// Each shown result downloads its fragment (~1 KB): the first results show after three, the rest follow.
const FIRST_BATCH = 3;
let generation = 0;

function item(record) {
  const li = document.createElement("li");
  li.className = "md-search-result__item";
  const link = document.createElement("a");
  link.className = "md-search-result__link";
  link.href = record.url;
  const article = document.createElement("article");
  article.className = "md-search-result__article md-typeset";
  article.dataset.mdScore = "1";
  const title = document.createElement("h1");
  title.textContent = record.meta.title || record.url;
  const excerpt = document.createElement("p");
  excerpt.append(safeExcerpt(record.excerpt || ""));
  article.append(title, excerpt);
  link.append(article);
  li.append(link);
  return li;
}

async function main() {
  const pagefind = await loadPagefind(siteRoot);
  async function run() {
    const token = ++generation;
    const query = input.value.trim();
    if (!query) {
      list.replaceChildren();
      meta.textContent = "Type to start searching";
      return;
    }
    const search = await pagefind.search(query);
    if (token !== generation || !search) return;
    const load = (start, end) => Promise.all(search.results.slice(start, end).map((result) => result.data()));
    const first = await load(0, FIRST_BATCH);
    if (token !== generation) return;
    const count = search.results.length;
    meta.textContent = count ? `${count} matching paper${count === 1 ? "" : "s"}` : "No matching papers";
    list.replaceChildren(...first.map(item));
    const rest = await load(FIRST_BATCH, MAX_RESULTS);
    if (token === generation) list.append(...rest.map(item));
  }
  let timer;
  const schedule = () => {
    clearTimeout(timer);
    timer = setTimeout(run, 120); // a pause in typing: each searched prefix can download an index chunk
  };
  input.addEventListener("input", schedule);
  schedule(); // what was typed while Pagefind loaded, once the reader pauses
}

main();
