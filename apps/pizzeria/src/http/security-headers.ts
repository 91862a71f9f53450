import helmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';
import { DOCS_PREFIX } from './openapi/openapi.js';

/**
 * `@fastify/helmet`'s headers on every response, with a content security policy that allows only
 * the app's own origin: no inline script or style, no CDN, no `eval`. The dashboard and the
 * OpenAPI page load every script, style and font from the app (`/assets/*`, `/docs/static/*`), and
 * talk only to it. `upgrade-insecure-requests` is left out: the app serves plain HTTP on loopback
 * by default, where upgrading its own requests to HTTPS would break the page.
 *
 * One exception, for the OpenAPI page only: Swagger UI (React) sets inline styles, so pages under
 * `/docs` allow inline *styles* (never scripts); the dashboard's policy has no exception.
 */
export function registerSecurityHeaders(app: FastifyInstance): void {
  void app.register(helmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", (request) => (isDocsPage(request.url) ? "'unsafe-inline'" : '')],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        scriptSrcAttr: ["'none'"],
      },
    },
  });
}

function isDocsPage(url: string | undefined): boolean {
  return url === DOCS_PREFIX || url?.startsWith(`${DOCS_PREFIX}/`) === true;
}
