/** The largest box of a given aspect ratio that fits a stage, centred: where the preview image is drawn. */
export interface Box {
  left: number;
  top: number;
  width: number;
  height: number;
}

export function fitBox(stageW: number, stageH: number, aspect: number): Box {
  if (!(stageW > 0 && stageH > 0 && aspect > 0)) return { left: 0, top: 0, width: 0, height: 0 };
  let width = stageW;
  let height = width / aspect;
  if (height > stageH) {
    height = stageH;
    width = height * aspect;
  }
  return { left: Math.round((stageW - width) / 2), top: Math.round((stageH - height) / 2), width: Math.round(width), height: Math.round(height) };
}
