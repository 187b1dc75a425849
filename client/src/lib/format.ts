/** Small display formatters shared by panels. */
/**
 * Megabytes as `anelo models list` counts them (2^20 bytes, one decimal), so the editor and the CLI show the same
 * size for a model; `null` (size not known to the server) reads "size unknown".
 */
export function formatMb(bytes: number | null): string {
  if (bytes === null || !Number.isFinite(bytes)) return 'size unknown';
  return `${(bytes / 2 ** 20).toFixed(1)} MB`;
}

export function formatMs(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${Math.round(ms)} ms`;
}

export function formatPercent(f: number): string {
  return `${Math.round(f * 100)}%`;
}
