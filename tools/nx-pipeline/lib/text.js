// @ts-check
'use strict';

/**
 * Edit distance counting a swap of two neighbours as one edit (`dpes` is one
 * edit from `deps`), for "did you mean" hints on typos in keys and names.
 * @param {string} a
 * @param {string} b
 */
function editDistance(a, b) {
  /** @type {number[][]} */
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/**
 * The closest candidate when it is close enough to be a plausible typo.
 * @param {string} word
 * @param {Iterable<string>} candidates
 * @returns {string | undefined}
 */
function closest(word, candidates) {
  let best;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

/**
 * `a`, `b`, `c` (or "none").
 * @param {Iterable<string>} names
 */
function quoteList(names) {
  const list = [...names];
  return list.length ? list.map((n) => `\`${n}\``).join(', ') : 'none';
}

/**
 * " (did you mean `x`?)" or "".
 * @param {string} word
 * @param {Iterable<string>} candidates
 */
function didYouMean(word, candidates) {
  const c = closest(word, candidates);
  return c ? ` (did you mean \`${c}\`?)` : '';
}

module.exports = { editDistance, closest, quoteList, didYouMean };
