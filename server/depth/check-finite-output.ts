/**
 * A model whose output holds NaN or infinity (a broken export, fp16 overflow) must fail loudly: postprocessing
 * would carry NaN into every frame statistic and turn infinities into extreme disparities, rendering a wrong video.
 */
import { AneloError } from '../../nodes/core/errors.ts';

export function checkFiniteOutput(data: Float32Array, model: { id: string; path: string }): void {
  let bad = 0;
  let first = -1;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    // v - v is NaN for NaN and ±Infinity, 0 otherwise: one test for both.
    if (v - v !== 0) {
      if (first < 0) first = i;
      bad++;
    }
  }
  if (bad > 0) {
    throw new AneloError(
      'ANELO_E110_DEPTH_NOT_FINITE',
      `model "${model.id}" (${model.path}) produced ${bad} NaN or infinite value(s) of ${data.length} (first at index ${first}, value ${data[first]}): the model file or its precision is broken; try another precision or model`,
      { param: 'model', file: model.path },
    );
  }
}
