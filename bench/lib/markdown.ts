/** The results as a short Markdown table (also what `npm run bench` prints). */
import type { Figure } from './figures.ts';
import type { BenchResults } from './results.ts';

function fmt(v: number | null, unit?: string): string {
  if (v === null) return '—';
  if (Number.isInteger(v)) return unit ? `${v} ${unit}` : String(v);
  const abs = Math.abs(v);
  const s = abs >= 100 ? v.toFixed(0) : abs >= 10 ? v.toFixed(1) : abs >= 1 ? v.toFixed(2) : v.toFixed(abs >= 0.01 || v === 0 ? 3 : 4);
  return unit ? `${s} ${unit}` : s;
}

const SIGN = { '<': '<', '<=': '≤', '>=': '≥', '==': '=' } as const;
const targetText = (f: Figure): string => (f.target ? `${SIGN[f.target.op]} ${f.target.value}` : '');
const metText = (f: Figure): string => (f.met === undefined ? (f.target ? 'n/a' : '') : f.met ? 'met' : '**not met**');
const cell = (s: string): string => s.replace(/\|/g, '\\|');

export function renderMarkdown(r: BenchResults): string {
  const m = r.machine;
  const lines = [
    `# anelo bench — ${r.startedAt} (${r.scale})`,
    '',
    `Machine: ${m.cores} cores, ${m.cpuModel}, ${m.totalMemMB} MB, Node ${m.node}, ${m.platform}; load ${m.loadAvg1m} at start; huge pages ${m.hugePages ?? 'not recorded'}; malloc: ${m.mallocArenas ?? 'not recorded'}. Threads: ${r.threads}. Total ${(r.totalMs / 1000).toFixed(0)} s.`,
    `Graph model: ${r.models.graph}.${r.models.real ? ' Real-size model figures use FastDepth, the only real weights available here.' : ''}`,
    `Peer model: ${r.models.peer}.`,
    '',
    '| case | figure | value | target | |',
    '|---|---|---:|---|---|',
  ];
  for (const [name, c] of Object.entries(r.cases)) {
    if ('error' in c) {
      lines.push(`| ${name} | **error** | ${cell(c.error.slice(0, 160))} | | |`);
      continue;
    }
    for (const f of c.figures) {
      const name2 = f.note ? `${f.name} (${f.note})` : f.name;
      lines.push(`| ${name} | ${cell(name2)} | ${fmt(f.value, f.unit)} | ${targetText(f)} | ${metText(f)} |`);
    }
  }
  const notes = Object.entries(r.cases).flatMap(([name, c]) => ('notes' in c ? c.notes.map((n) => `- ${name}: ${n}`) : []));
  if (notes.length) lines.push('', ...notes);
  return `${lines.join('\n')}\n`;
}
