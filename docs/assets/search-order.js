// The orders of the catalogue search page besides relevance (Pagefind's own order, in
// catalogue-search.js), loaded when a reader first picks one. Newest and most upvoted walk the values
// of a filter every page carries once ("date", "upvotes": generator/pages/render.py, pagefind_markers),
// from the highest down, and search each value the shown results need, in Pagefind's relevance order
// within it. Pagefind's sort keys would do it in one search, but they add a table of every page to the
// index file every first search downloads (90 KB at 20,000 papers).

const newestFirst = (a, b) => b.localeCompare(a);
const largestFirst = (a, b) => Number(b) - Number(a);
const ORDERS = { date: { filter: "date", order: newestFirst }, upvotes: { filter: "upvotes", order: largestFirst } };

// Results in one order: how many, the search that counted them (its filter counts feed the facets),
// and slice(start, end), the results at those places (each with Pagefind's data() to load it).
export async function orderedResults(pagefind, query, filters, orderName) {
  const order = ORDERS[orderName];
  // "none of nothing" keeps every result and makes Pagefind count the order's filter values among them.
  const search = await pagefind.search(query, { filters: { ...filters, [order.filter]: { none: [] } } });
  if (!search) return null;
  const counts = search.filters[order.filter] || {};
  const values = Object.keys(counts).filter((value) => counts[value] > 0).sort(order.order);
  const groups = new Map(); // value -> the results holding it, a search each, made once
  const group = (value) => {
    if (!groups.has(value)) {
      const found = pagefind.search(query, { filters: { ...filters, [order.filter]: value } });
      groups.set(value, found.then((result) => (result ? result.results : [])));
    }
    return groups.get(value);
  };
  async function slice(start, end) {
    const parts = [];
    let offset = 0;
    for (const value of values) {
      if (offset >= end) break;
      const size = counts[value];
      const [from, to] = [Math.max(0, start - offset), end - offset]; // places within this value's results
      if (to > 0 && from < size) parts.push(group(value).then((found) => found.slice(from, to)));
      offset += size;
    }
    return (await Promise.all(parts)).flat();
  }
  return { count: values.reduce((sum, value) => sum + counts[value], 0), search, slice };
}
