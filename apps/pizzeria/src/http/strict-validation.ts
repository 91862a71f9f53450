import { Ajv, type AnySchema, type ErrorObject, type Options, type ValidateFunction } from 'ajv';
import type { FastifySchemaCompiler } from 'fastify';

/**
 * Fastify's default Ajv coerces types everywhere: in a JSON body `"0x10"` became 16, `true` became
 * 1 and `"Infinity"` became Infinity — and Ajv skips range checks (`maximum`) for non-finite
 * numbers, so an infinite price was stored and broke every later read of the menu. This compiler
 * is strict instead:
 *
 * - **bodies** are JSON, already typed: no coercion at all, and `strictNumbers` refuses NaN and
 *   ±Infinity (the JSON number `1e400` parses to Infinity);
 * - **query strings and path parameters** are text, so numbers are coerced — but only from plain
 *   decimal text (`20`, `-5`, `1.5`), never `1e1`, `0x10`, `Infinity` or `true`, and the result
 *   must be finite (checked after Ajv, which coerces `"1e400"` to Infinity and then skips ranges).
 */
export function strictValidatorCompiler(): FastifySchemaCompiler<unknown> {
  return ({ schema, httpPart }) =>
    httpPart === 'body'
      ? bodies.compile(schema as AnySchema)
      : decimalOnly(text.compile(schema as AnySchema));
}

// Shared by every server of the process: Ajv caches what it compiled, and the route schemas are
// constants, so servers after the first (tests build many) compile nothing.
const shared: Options = { removeAdditional: false, useDefaults: true, allErrors: false, strictNumbers: true };
const bodies = new Ajv({ ...shared, coerceTypes: false });
const text = new Ajv({ ...shared, coerceTypes: true });

const DECIMAL = /^-?(0|[1-9]\d{0,14})(\.\d{1,15})?$/;

/** What Fastify expects of a validator: `false` with `errors`, or `true`. */
interface Validator {
  (data: unknown): boolean;
  errors?: ErrorObject[] | null;
}

/**
 * Wraps a coercing validator of a flat object (query string, path parameters): a property that
 * Ajv turned from text into a number must have been plain decimal text.
 */
function decimalOnly(validate: ValidateFunction): Validator {
  const strict: Validator = (data) => {
    const before = isRecord(data) ? { ...data } : {};
    if (!validate(data)) {
      strict.errors = validate.errors ?? null;
      return false;
    }
    for (const [name, value] of Object.entries(isRecord(data) ? data : {})) {
      const text = before[name];
      if (typeof value === 'number' && typeof text === 'string' && !DECIMAL.test(text)) {
        strict.errors = [
          {
            keyword: 'type',
            instancePath: `/${name}`,
            schemaPath: '#/type',
            params: { type: 'number' },
            message: 'must be a decimal number',
          },
        ];
        return false;
      }
    }
    strict.errors = null;
    return true;
  };
  return strict;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object';
}
