import { InvalidArgumentError, isCacheError } from '@forno/core';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { PizzeriaError } from '../domain/errors.js';

/** Body of every error response. `field` names the offending input, when there is one. */
export interface ErrorBody {
  readonly error: string;
  readonly code: string;
  readonly field?: string;
}

/** One AJV error, as Fastify attaches them to a validation error. */
interface SchemaIssue {
  readonly keyword: string;
  readonly instancePath: string;
  readonly message?: string;
  readonly params: Record<string, unknown>;
}

/**
 * `/items/0/quantity` → `items[0].quantity`; `missing`/`extra` name a property below the path
 * (for `required` and `additionalProperties`); the empty path is the whole part (`body`).
 */
export function fieldOf(issue: SchemaIssue, context: string | undefined): string {
  const segments = issue.instancePath.split('/').slice(1);
  const below = issue.params.missingProperty ?? issue.params.additionalProperty;
  if (typeof below === 'string') segments.push(below);
  if (segments.length === 0) return context ?? 'body';
  return segments.reduce(
    (path, segment) =>
      /^\d+$/.test(segment) ? `${path}[${segment}]` : path === '' ? segment : `${path}.${segment}`,
    '',
  );
}

function describeIssue(issue: SchemaIssue, field: string): string {
  switch (issue.keyword) {
    case 'required':
      return `${field} is required`;
    case 'additionalProperties':
      return `${field} is not a known field`;
    default:
      return `${field} ${issue.message ?? 'is invalid'}`;
  }
}

/**
 * Maps errors to responses:
 * - schema validation → 400 `{ error, code: 'E_VALIDATION', field }`, the field named as a path
 *   (`items[0].quantity`);
 * - `InvalidArgumentError` from Forno (a bad key or TTL that got past the schema) → 400 with its argument;
 * - domain errors → their status (404, 409, 422) and code;
 * - any other `CacheError` (Redis down or slow, a lock not acquired in time, the circuit open) →
 *   503 with its stable code (`E_CACHE_UNAVAILABLE`, `E_LOCK_TIMEOUT`, …): retry later;
 * - Fastify's own client errors (malformed JSON) → their 4xx; everything else → 500, logged.
 */
export function errorHandler(
  error: FastifyError,
  request: FastifyRequest,
  reply: FastifyReply,
): FastifyReply {
  if (Array.isArray(error.validation) && error.validation.length > 0) {
    const issue = error.validation[0] as unknown as SchemaIssue;
    const field = fieldOf(issue, error.validationContext);
    return reply.status(400).send({ error: describeIssue(issue, field), code: 'E_VALIDATION', field });
  }
  if (error instanceof PizzeriaError) {
    return reply.status(error.statusCode).send({ error: error.message, code: error.code });
  }
  if (InvalidArgumentError.is(error)) {
    return reply.status(400).send({ error: error.message, code: error.code, field: error.argument });
  }
  if (isCacheError(error)) {
    request.log.warn({ code: error.code }, error.message); // an outage, not a bug: no stack trace
    return reply.status(503).send({ error: error.message, code: error.code });
  }
  const status = typeof error.statusCode === 'number' ? error.statusCode : 500;
  if (status >= 400 && status < 500) {
    return reply
      .status(status)
      .send({ error: error.message, code: error.code ?? 'E_BAD_REQUEST', field: 'body' });
  }
  request.log.error({ err: error }, 'unexpected error');
  return reply.status(500).send({ error: 'internal server error', code: 'E_INTERNAL' });
}
