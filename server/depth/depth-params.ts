/** The depth node's params as the service reads them (the node's schema has already validated and defaulted them). */
import type { Provider } from './onnx-session.ts';
import type { PrecisionChoice } from './model-store.ts';

export interface DepthParams {
  model: string;
  /** 0 = the model's own size rule. */
  inputSize: number;
  provider: Provider;
  /** 0 = onnxruntime's default (one per physical core). */
  threads: number;
  precision: PrecisionChoice;
}

const pick = <T>(v: unknown, ok: (x: unknown) => boolean, d: T): T => (ok(v) ? (v as T) : d);
const isInt = (x: unknown): boolean => Number.isInteger(x) && (x as number) >= 0;

/** Reads params with the node's defaults for anything missing. */
export function readDepthParams(p: Record<string, unknown>): DepthParams {
  return {
    model: pick(p.model, (x) => typeof x === 'string' && x.length > 0, 'depth-anything-v2-small'),
    inputSize: pick(p.inputSize, isInt, 0),
    provider: pick(p.provider, (x) => x === 'cpu' || x === 'cuda', 'cpu' as Provider),
    threads: pick(p.threads, isInt, 0),
    precision: pick(p.precision, (x) => x === 'auto' || x === 'fp32' || x === 'fp16' || x === 'int8', 'auto' as PrecisionChoice),
  };
}
