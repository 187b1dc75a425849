/**
 * A pixel's shape as the streams carry it ("8:9", see StreamInfo.sampleAspect): read as width / height, 1 (square)
 * when absent or malformed. Shared by the server's previews, the encoder's flag and the editor's input line.
 */
export function sampleAspectRatio(sampleAspect: string | undefined): number {
  const m = /^(\d+):(\d+)$/.exec(sampleAspect ?? '');
  const w = m ? Number(m[1]) : 0;
  const h = m ? Number(m[2]) : 0;
  return w > 0 && h > 0 ? w / h : 1;
}
