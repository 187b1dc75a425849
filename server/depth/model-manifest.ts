/**
 * The model manifest: how anelo feeds a depth model and reads its output. One schema serves the registry
 * (`models/registry.json`), sidecar manifests beside bring-your-own `.onnx` files, and the files in
 * `../shared/models` (this format is a superset of theirs, so they load as they are).
 */
import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { AneloError } from '../../nodes/core/errors.ts';

const Triple = Type.Tuple([Type.Number(), Type.Number(), Type.Number()]);

const FixedSize = Type.Object({
  mode: Type.Literal('fixed'),
  width: Type.Integer({ minimum: 1 }),
  height: Type.Integer({ minimum: 1 }),
});

/** Keep the aspect ratio: scale so `side` becomes `target`, then round both sides to a multiple of `multipleOf`. */
const KeepAspectSize = Type.Object({
  mode: Type.Literal('keep-aspect'),
  multipleOf: Type.Integer({ minimum: 1 }),
  side: Type.Union([Type.Literal('short'), Type.Literal('long')]),
  target: Type.Integer({ minimum: 1 }),
});

export const ModelInputSchema = Type.Object({
  name: Type.String({ minLength: 1 }),
  layout: Type.Literal('NCHW'),
  channels: Type.Union([Type.Literal('RGB'), Type.Literal('BGR')]),
  size: Type.Union([FixedSize, KeepAspectSize]),
  /** Only 'stretch' (the image fills the input, no padding) is supported; keep-aspect sizes never distort. */
  resize: Type.Literal('stretch'),
  /** Multiplies 0..255 pixel values before mean/std (1/255 for a 0..1 range). */
  scale: Type.Number(),
  mean: Triple,
  std: Triple,
});

export const ModelOutputSchema = Type.Object({
  name: Type.String({ minLength: 1 }),
  /** 'disparity' (inverse depth, relative or not) or 'depth'. */
  kind: Type.Union([Type.Literal('disparity'), Type.Literal('depth')]),
  metric: Type.Boolean(),
  units: Type.Optional(Type.String()),
  nearIs: Type.Union([Type.Literal('larger'), Type.Literal('smaller')]),
  /** Smallest depth used when depth is inverted to disparity (in `units`); default 1e-3. */
  epsilon: Type.Optional(Type.Number({ exclusiveMinimum: 0 })),
});

/** One downloadable file of a model: the model's own file, or a variant at another precision. */
export const ModelFileSchema = Type.Object({
  precision: Type.Union([Type.Literal('fp32'), Type.Literal('fp16'), Type.Literal('int8')]),
  file: Type.String({ minLength: 1 }),
  bytes: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()]),
  sha256: Type.String({ pattern: '^[0-9a-f]{64}$' }),
  url: Type.Optional(Type.String()),
});

export const ModelManifestSchema = Type.Object({
  id: Type.String({ minLength: 1, pattern: '^[A-Za-z0-9._-]+$' }),
  name: Type.String(),
  family: Type.String(),
  file: Type.String({ minLength: 1 }),
  /** Null where the size could not be verified before download; the sha256 check still guards the file. */
  bytes: Type.Optional(Type.Union([Type.Integer({ minimum: 0 }), Type.Null()])),
  /** Optional only for bring-your-own manifests; registry entries always carry it. */
  sha256: Type.Optional(Type.String({ pattern: '^[0-9a-f]{64}$' })),
  license: Type.String(),
  licenseUrl: Type.Optional(Type.String()),
  /** False for licences that forbid commercial use: such a model is never a default and its licence is shown before download. */
  commercialUse: Type.Optional(Type.Boolean()),
  permissive: Type.Optional(Type.Boolean()),
  url: Type.Optional(Type.String()),
  /** No download exists; the file must be placed by hand. */
  localOnly: Type.Optional(Type.Boolean()),
  precision: Type.Optional(Type.Union([Type.Literal('fp32'), Type.Literal('fp16'), Type.Literal('int8')])),
  variants: Type.Optional(Type.Array(ModelFileSchema)),
  notes: Type.Optional(Type.String()),
  input: ModelInputSchema,
  output: ModelOutputSchema,
});

export type ModelManifest = Static<typeof ModelManifestSchema>;
export type ModelFile = Static<typeof ModelFileSchema>;
export type ModelInputSpec = Static<typeof ModelInputSchema>;
export type ModelOutputSpec = Static<typeof ModelOutputSchema>;
export type Precision = ModelFile['precision'];

/** Checks a parsed JSON value against the manifest schema; throws ANELO_E042 naming the file and the first problems. */
export function parseManifest(value: unknown, file: string): ModelManifest {
  if (Value.Check(ModelManifestSchema, value)) return value;
  const problems = [...Value.Errors(ModelManifestSchema, value)]
    .slice(0, 4)
    .map((e) => `${e.path || '/'}: ${e.message}`);
  throw new AneloError('ANELO_E042_MODEL_MANIFEST', `Model manifest ${file} is not valid: ${problems.join('; ')}`, { file });
}

/** The files a manifest names: its own (at its precision, fp32 unless said) first, then its variants. */
export function manifestFiles(m: ModelManifest): ModelFile[] {
  const own: ModelFile[] = m.sha256
    ? [{ precision: m.precision ?? 'fp32', file: m.file, bytes: m.bytes ?? null, sha256: m.sha256, url: m.url }]
    : [];
  return [...own, ...(m.variants ?? []).filter((v) => v.file !== m.file)];
}
