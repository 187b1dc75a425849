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

/** Time a render has been going, as a clock reads it (`0:07`, `12:30`, `1:02:05`): whole seconds, ticking. */
export function formatElapsed(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const two = (n: number) => String(n).padStart(2, '0');
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h > 0 ? `${h}:${two(m)}:${two(s % 60)}` : `${m}:${two(s % 60)}`;
}
