/** The editor resolves bypassed nodes with the engine's own rule before a preview or a run. */
export { resolveBypass } from '../../../nodes/core/resolve-bypass.ts';
