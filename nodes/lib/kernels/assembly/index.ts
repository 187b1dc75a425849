// The WebAssembly kernels: entry point of nodes/lib/kernels/kernels.wasm (built by nodes/lib/kernels/build.mjs).
export { boxMean } from './box-mean';
export { guidedCoefficients, applyUpsampled, applySameSize } from './guided';
export { dilate3x3 } from './dilate';
export { encodeFloat16, roundToFloat16 } from './float16';
export { areaResizeRgb } from './area-resize';
export { warp } from './dibr';

/** Where the JavaScript side may start laying out its arrays: past the module's own static data. */
export const heapBase: usize = __heap_base;
export { lumaFromRgb, warpBilinear, denseFlow, consistentFlow, measureMotion, pooledChange } from './flow';
export { setScratch } from './scratch';
export { refineFrame, luminance, resizeBilinear, valueRange, depthStats } from './refine';
export { frameSignature } from './scene';
export { trajectoryStep } from './trajectory';
