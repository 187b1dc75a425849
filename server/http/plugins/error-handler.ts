/**
 * The one error handler: coded errors become `{ error: AneloErrorJson }` with the status of their family (server
 * paths cut to file names), schema failures become 400 E052 naming the field, malformed uploads 400 E052, and only
 * an uncoded failure (E099) says no more than "internal error" (details go to the log).
 */
import type { FastifyError, FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { AneloError, ERROR_CATALOGUE, isAneloError, toAneloError, type AneloErrorJson } from '../../../nodes/core/errors.ts';
import { statusOf } from '../lib/error-status.ts';
import { publicError } from '../lib/public-error.ts';

const INTERNAL: AneloErrorJson = { code: 'ANELO_E099_INTERNAL', title: ERROR_CATALOGUE.ANELO_E099_INTERNAL, message: 'internal error' };

/** busboy's and @fastify/multipart's words for a body that is not valid multipart. */
const BAD_MULTIPART = /multipart|boundary|Unexpected end of form|Malformed part header|Unexpected end of file/i;

/** `body.graph.nodes` style name of the first failing field of a schema error. */
function fieldOf(error: FastifyError): string {
  const first = error.validation?.[0];
  const missing = (first?.params as { missingProperty?: string } | undefined)?.missingProperty;
  const where = (first?.instancePath ?? '').replace(/^\//, '').replace(/\//g, '.');
  return [where, missing].filter(Boolean).join('.') || error.validationContext || 'request';
}

function coded(error: AneloError): { status: number; body: AneloErrorJson } {
  const status = statusOf(error.code);
  // A coded 5xx (full disk, busy) is meaningful to the user; an uncoded one may carry anything.
  return { status, body: error.code === 'ANELO_E099_INTERNAL' ? INTERNAL : publicError(error.toJSON()) };
}

export function toBody(error: FastifyError | AneloError | Error): { status: number; body: AneloErrorJson } {
  if (isAneloError(error)) return coded(error);
  const fe = error as FastifyError;
  if (fe.validation) {
    const field = fieldOf(fe);
    const context = fe.validationContext ?? 'request';
    // "body: must be object" for a body that is not one, "body graph.nodes: …" for a field of it.
    const where = field === context ? context : `${context} ${field}`;
    const body = new AneloError('ANELO_E052_BAD_REQUEST', `${where}: ${fe.validation[0]?.message ?? 'is invalid'}`, { param: field }, {
      context: fe.validationContext,
      field,
    }).toJSON();
    return { status: 400, body };
  }
  const wrapped = toAneloError(error);
  if (wrapped.code !== 'ANELO_E099_INTERNAL') return coded(wrapped); // ENOSPC, aborted
  const status = typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500 ? fe.statusCode : 500;
  if (status >= 500 && BAD_MULTIPART.test(error.message ?? '')) {
    return { status: 400, body: new AneloError('ANELO_E052_BAD_REQUEST', `malformed upload: ${error.message}`, { param: 'file' }).toJSON() };
  }
  if (status >= 500) return { status, body: INTERNAL };
  const code = status === 413 ? 'ANELO_E071_MEDIA_TOO_LARGE' : status === 404 ? 'ANELO_E070_MEDIA_NOT_FOUND' : status === 414 ? 'ANELO_E109_URL_TOO_LONG' : 'ANELO_E052_BAD_REQUEST';
  return { status, body: publicError(new AneloError(code, error.message).toJSON()) };
}

async function errorHandler(app: FastifyInstance): Promise<void> {
  app.setErrorHandler((error: FastifyError | AneloError, request, reply) => {
    const { status, body } = toBody(error);
    if (status >= 500) request.log.error({ err: error }, 'request failed');
    else request.log.info({ code: body.code, message: body.message }, 'request refused');
    if (status === 503) reply.header('retry-after', '1');
    return reply.code(status).type('application/json').send({ error: body });
  });
}

export default fp(errorHandler, { name: 'anelo-error-handler' });
