/** Small display formatters shared by panels. */
export function formatMb(bytes: number): string {
  const mb = bytes / 1e6;
  return mb >= 100 ? `${Math.round(mb)} MB` : `${mb.toFixed(1)} MB`;
}

export function formatMs(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${Math.round(ms)} ms`;
}

export function formatPercent(f: number): string {
  return `${Math.round(f * 100)}%`;
}
