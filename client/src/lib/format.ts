/** Small display formatters shared by panels. */
/** Megabytes; `null` (size not known to the server) reads "size unknown". */
export function formatMb(bytes: number | null): string {
  if (bytes === null || !Number.isFinite(bytes)) return 'size unknown';
  const mb = bytes / 1e6;
  return mb >= 100 ? `${Math.round(mb)} MB` : `${mb.toFixed(1)} MB`;
}

export function formatMs(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${Math.round(ms)} ms`;
}

export function formatPercent(f: number): string {
  return `${Math.round(f * 100)}%`;
}
