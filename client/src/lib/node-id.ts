/** Fresh node ids that satisfy the graph id rule (1-64 of letters, digits, "_" and "-"). */
export function newNodeId(type: string, taken: Iterable<string>): string {
  const used = new Set(taken);
  const base = type.replace(/[^A-Za-z0-9_-]/g, '-').slice(0, 56) || 'node';
  for (let i = 1; ; i++) {
    const id = `${base}-${i}`;
    if (!used.has(id)) return id;
  }
}
