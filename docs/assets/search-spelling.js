// Spelling help for the search page: a query word the catalogue does not know ("tranformer") is
// replaced by the closest word it knows ("transformer"). The vocabulary, search/words.json
// (generator/pages/search_words.py), is downloaded only when a query finds few papers.

let vocabulary = null; // Promise of { words: string[], known: Set<string> }

function load(siteRoot) {
  vocabulary ??= fetch(new URL("search/words.json", siteRoot))
    .then((response) => (response.ok ? response.json() : []))
    .catch(() => [])
    .then((words) => ({ words, known: new Set(words) }));
  return vocabulary;
}

// Edits between two words: insertions, deletions, substitutions and swaps of neighbours count one.
function distance(a, b, limit) {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let before = null;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + cost);
      if (before && i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        value = Math.min(value, before[j - 2] + 1);
      }
      row.push(value);
      best = Math.min(best, value);
    }
    if (best > limit) return limit + 1;
    before = previous;
    previous = row;
  }
  return previous[b.length];
}

// The closest known word, or null: one edit for short words, two from eight letters on; a word that
// begins a known word (still being typed) or is too short to judge is left alone.
function closest(word, { words, known }) {
  if (word.length < 4 || known.has(word) || words.some((other) => other.startsWith(word))) return null;
  const limit = word.length >= 8 ? 2 : 1;
  let best = null;
  let bestDistance = limit + 1;
  for (const other of words) {
    const found = distance(word, other, limit);
    // Ties go to a word of the same length: a swap ("experst") over a dropped letter ("expert").
    const better = found < bestDistance || (found === bestDistance && best && best.length !== word.length && other.length === word.length);
    if (found <= limit && better) {
      best = other;
      bestDistance = found;
    }
  }
  return best;
}

// The query with each unknown word corrected, or null when there is nothing to correct.
export async function corrected(siteRoot, query) {
  const vocabulary = await load(siteRoot);
  let changed = false;
  const words = query.split(/\s+/).map((word) => {
    const better = closest(word.toLowerCase(), vocabulary);
    if (!better) return word;
    changed = true;
    return better;
  });
  return changed ? words.join(" ") : null;
}
