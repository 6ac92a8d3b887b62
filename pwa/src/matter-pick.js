// The matter picker's pure parts (picker.js), tested with node --test: what a search matches
// and in what order the list comes (favourites, then by department).

/** A text as the search compares it: NFKC (full-width ＣＧ and half-width cg are one), lower
 * case, no spaces at all (people type 占道 经营 or paste a legal name with its spaces). */
export function fold(text) {
  return String(text || '')
    .normalize('NFKC')
    .toLowerCase()
    .replace(/\s+/g, '');
}

/** Whether a matter answers a query: its short name, legal name, code or department's name
 * holds the whole query, spaces ignored. `deptName` is the county department's name where the
 * matter is held by one (department_code), else the domain names the line department. */
export function matchesMatter(matter, query, deptName = '') {
  const q = fold(query);
  if (!q) return true;
  return [matter.short_name, matter.name, matter.code, matter.domain, deptName].some((f) => fold(f).includes(q));
}

/** The recently used list after using `code`: most recent first, no repeats, at most `keep`. */
export function usedNow(recent, code, keep = 5) {
  return [code, ...(recent || []).filter((c) => c !== code)].slice(0, keep);
}

/** The starred list after the star on `code` was pressed. */
export function toggleStar(stars, code) {
  return (stars || []).includes(code) ? stars.filter((c) => c !== code) : [...(stars || []), code];
}

/**
 * The picker's sections: [{ key: 'favourites' | 'search', items }, { key: domain, items }...].
 * Without a query: the starred matters (catalogue order) then the recent ones not starred
 * (most recent first) under 常用, then every matter by department (the favourites too: a
 * person looking by department finds everything there). With a query: only the matches,
 * favourites first, then the rest by department. Matters no longer in the catalogue are dropped.
 */
export function pickerSections(matters, { query = '', stars = [], recent = [], deptName = () => '' } = {}) {
  const shown = matters.filter((m) => matchesMatter(m, query, deptName(m)));
  const byCode = new Map(shown.map((m) => [m.code, m]));
  const fav = [
    ...shown.filter((m) => stars.includes(m.code)),
    ...recent.filter((c) => !stars.includes(c) && byCode.has(c)).map((c) => byCode.get(c)),
  ];
  const sections = fav.length ? [{ key: 'favourites', items: fav }] : [];
  const groups = new Map();
  for (const m of shown) {
    if (fold(query) && fav.includes(m)) continue;
    const key = m.domain || '';
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(m);
  }
  for (const [key, items] of groups) sections.push({ key, items });
  return sections;
}
