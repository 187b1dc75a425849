/** A node's run statistics as short readable figures: agreement (AbsRel, δ1), flicker before → after, others by name. */

export interface Figure {
  label: string;
  value: string;
  title: string;
}

const f3 = (x: number): string => (Math.abs(x) >= 100 ? x.toFixed(0) : Math.abs(x) >= 10 ? x.toFixed(1) : x.toFixed(3));

const NAMED: Record<string, { label: string; title: string }> = {
  agreement: { label: 'AbsRel', title: 'Mean absolute relative difference of B from A after scale-and-shift alignment (lower agrees more)' },
  delta1: { label: 'δ1', title: 'Share of pixels where A and aligned B are within 25 % of each other (higher agrees more)' },
  decodeErrors: { label: 'decode errors per frame', title: 'Corrupt packets the decoder skipped or concealed, per frame of the last run (its report names the first damaged frames)' },
};

export function nodeFigures(stats: Record<string, number>): Figure[] {
  const out: Figure[] = [];
  const used = new Set<string>();
  // A clean decode is the normal case, not a figure worth a line on the node.
  if (stats.decodeErrors === 0) used.add('decodeErrors');
  for (const [k, meta] of Object.entries(NAMED)) {
    if (!(k in stats) || used.has(k)) continue;
    out.push({ label: meta.label, value: k === 'delta1' ? stats[k].toFixed(2) : f3(stats[k]), title: meta.title });
    used.add(k);
  }
  // Temporal figures come in pairs: xIn (raw depth) and xOut (smoothed).
  for (const k of Object.keys(stats)) {
    const m = /^(.*)In$/.exec(k);
    if (!m || !(`${m[1]}Out` in stats)) continue;
    out.push({ label: m[1], value: `${f3(stats[k])} → ${f3(stats[`${m[1]}Out`])}`, title: `${m[1]} of the depth before → after smoothing (last run, mean per frame pair)` });
    used.add(k).add(`${m[1]}Out`);
  }
  for (const [k, v] of Object.entries(stats)) if (!used.has(k)) out.push({ label: k, value: f3(v), title: k });
  return out;
}
