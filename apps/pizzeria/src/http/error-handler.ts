import { isCacheError } from '@forno/core';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { PizzeriaError } from '../domain/errors.js';
import { BODY_LIMIT_BYTES } from './json-bounds.js';

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

/** Why the cache or a lock answered an outage, in words that name no internal key. */
const OUTAGES: Readonly<Record<string, string>> = {
  E_CACHE_UNAVAILABLE: 'the cache is unavailable; retry later',
  E_CACHE_TIMEOUT: 'the cache did not answer in time; retry later',
  E_CIRCUIT_OPEN: 'a backend is failing and its circuit is open; retry later',
  E_LOCK_TIMEOUT: 'busy: another request holds what this one needs; retry later',
  E_LOCK_LOST: 'busy: the request lost its lock; retry later',
};

/** Forno errors caused by what the client sent, with a status and words that name no internal key. */
const CLIENT_ERRORS: readonly [code: string, status: number, text: string][] = [
  ['E_PAYLOAD_TOO_LARGE', 413, 'a value of the request is too large to store'],
  ['E_SERIALIZATION', 422, 'a value of the request cannot be stored'],
  ['E_INVALID_ARGUMENT', 400, 'a value of the request cannot be used'],
  ['E_ENTITY_EXISTS', 409, 'it exists already'],
  ['E_ENTITY_NOT_FOUND', 404, 'not found'],
];

/** Fastify's own client errors (bad JSON, body too large, media type), in the app's codes. */
function fastifyClientError(error: FastifyError): { status: number; body: ErrorBody } {
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return {
        status: 413,
        body: {
          error: `the request body is larger than ${BODY_LIMIT_BYTES} bytes`,
          code: 'E_PAYLOAD_TOO_LARGE',
          field: 'body',
        },
      };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return {
        status: 415,
        body: { error: 'send the body as application/json', code: 'E_UNSUPPORTED_MEDIA_TYPE', field: 'body' },
      };
    default:
      return {
        status: error.statusCode ?? 400,
        body: { error: error.message, code: 'E_BAD_REQUEST', field: 'body' },
      };
  }
}

/**
 * Maps errors to responses, all in the app's format `{ error, code, field? }`:
 * - schema validation → 400 `E_VALIDATION` naming the field as a path (`items[0].quantity`);
 * - domain errors → their status (400, 404, 409, 413, 422) and code;
 * - Forno errors caused by the input (a value that cannot be serialized or is too large, an entity
 *   that exists) → 413, 422, 409…, never 503; texts name no internal key;
 * - outages (the cache down or slow, a circuit open, a lock not acquired in time) → 503 with the
 *   stable code (`E_CACHE_UNAVAILABLE`, `E_CIRCUIT_OPEN`, `E_LOCK_TIMEOUT`, …): retry later;
 * - Fastify's client errors (malformed JSON, a body over the limit) → their 4xx;
 * - everything else → 500, logged, with no detail.
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
    const body: ErrorBody = { error: error.message, code: error.code };
    return reply
      .status(error.statusCode)
      .send(error.field === undefined ? body : { ...body, field: error.field });
  }
  if (isCacheError(error)) {
    const outage =
      OUTAGES[error.code] ??
      (isCacheError(error, 'E_CACHE_UNAVAILABLE') || isCacheError(error, 'E_CACHE_TIMEOUT')
        ? 'a backend is unavailable; retry later'
        : undefined);
    if (outage !== undefined) {
      request.log.warn({ code: error.code }, outage); // an outage, not a bug: no stack trace
      return reply.status(503).send({ error: outage, code: error.code });
    }
    const client = CLIENT_ERRORS.find(([code]) => isCacheError(error, code));
    if (client !== undefined) return reply.status(client[1]).send({ error: client[2], code: error.code });
  }
  const status = typeof error.statusCode === 'number' ? error.statusCode : 500;
  if (status >= 400 && status < 500 && !isCacheError(error)) {
    const answer = fastifyClientError(error);
    return reply.status(answer.status).send(answer.body);
  }
  request.log.error({ err: error }, 'unexpected error');
  return reply.status(500).send({ error: 'internal server error', code: 'E_INTERNAL' });
}

/**
 * Fastify's errors raised before routing (a malformed URL, a path parameter over
 * `maxParamLength`), in the app's format; the text does not echo the URL.
 */
export function frameworkErrorHandler(
  error: FastifyError,
  _request: FastifyRequest,
  reply: FastifyReply,
): void {
  if (error.code === 'FST_ERR_MAX_PARAM_LENGTH') {
    void reply
      .status(414)
      .send({ error: 'a path parameter is longer than 100 characters', code: 'E_URI_TOO_LONG' });
    return;
  }
  void reply.status(400).send({ error: 'the URL is malformed', code: 'E_BAD_URL' });
}
