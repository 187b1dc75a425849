/**
 * The one error handler: coded errors become `{ error: AneloErrorJson }` with the status of their family, schema
 * failures become 400 E052 naming the field, and every 5xx says only "internal error" (details go to the log).
 */
import type { FastifyError, FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { AneloError, ERROR_CATALOGUE, isAneloError, type AneloErrorJson } from '../../../nodes/core/errors.ts';
import { statusOf } from '../lib/error-status.ts';

const INTERNAL: AneloErrorJson = { code: 'ANELO_E099_INTERNAL', title: ERROR_CATALOGUE.ANELO_E099_INTERNAL, message: 'internal error' };

/** `body.graph.nodes` style name of the first failing field of a schema error. */
function fieldOf(error: FastifyError): string {
  const first = error.validation?.[0];
  const missing = (first?.params as { missingProperty?: string } | undefined)?.missingProperty;
  const where = (first?.instancePath ?? '').replace(/^\//, '').replace(/\//g, '.');
  return [where, missing].filter(Boolean).join('.') || error.validationContext || 'request';
}

function toBody(error: FastifyError | AneloError): { status: number; body: AneloErrorJson } {
  if (isAneloError(error)) {
    const status = statusOf(error.code);
    return { status, body: status >= 500 ? INTERNAL : error.toJSON() };
  }
  if (error.validation) {
    const field = fieldOf(error);
    const body = new AneloError('ANELO_E052_BAD_REQUEST', `${error.validationContext ?? 'request'} ${field}: ${error.validation[0]?.message ?? 'is invalid'}`, { param: field }, {
      context: error.validationContext,
      field,
    }).toJSON();
    return { status: 400, body };
  }
  const status = typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
  if (status >= 500) return { status, body: INTERNAL };
  const code = status === 413 ? 'ANELO_E071_MEDIA_TOO_LARGE' : status === 404 ? 'ANELO_E070_MEDIA_NOT_FOUND' : 'ANELO_E052_BAD_REQUEST';
  return { status, body: new AneloError(code, error.message).toJSON() };
}

async function errorHandler(app: FastifyInstance): Promise<void> {
  app.setErrorHandler((error: FastifyError | AneloError, request, reply) => {
    const { status, body } = toBody(error);
    if (status >= 500) request.log.error({ err: error }, 'request failed');
    else request.log.info({ code: body.code, message: body.message }, 'request refused');
    return reply.code(status).type('application/json').send({ error: body });
  });
}

export default fp(errorHandler, { name: 'anelo-error-handler' });
