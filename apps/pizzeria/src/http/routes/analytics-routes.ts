import type { FastifyInstance } from 'fastify';
import type { PizzeriaServices } from '../../composition-root.js';
import { InvalidInputError, UnknownMenuItemError } from '../../domain/errors.js';
import { ADMIN_ONLY } from '../admin-auth.js';
import { slugString } from '../schemas.js';

const topQuery = {
  type: 'object',
  additionalProperties: false,
  properties: { limit: { type: 'integer', minimum: 1, maximum: 50, default: 10 } },
} as const;

const hourlyQuery = {
  type: 'object',
  additionalProperties: false,
  properties: { date: { type: 'string', pattern: '^2\\d{3}-(0[1-9]|1[0-2])-(0[1-9]|[12]\\d|3[01])$' } },
} as const;

const trackBody = {
  type: 'object',
  additionalProperties: false,
  required: ['pizza'],
  properties: { pizza: slugString },
} as const;

/** PizzaAnalyticsService: popularity (ZINCRBY, top 50) and orders per hour (7-day hashes). */
export function registerAnalyticsRoutes(app: FastifyInstance, services: PizzeriaServices): void {
  const { analytics, menuCache } = services;

  // The public ranking ("our most popular pizzas"); the rest is the back office's.
  app.get<{ Querystring: { limit: number } }>(
    '/analytics/top',
    { schema: { querystring: topQuery } },
    async (request) => ({ pizzas: await analytics.getTopPizzas(request.query.limit) }),
  );

  app.get<{ Querystring: { date?: string } }>(
    '/analytics/hourly',
    { config: ADMIN_ONLY, schema: { querystring: hourlyQuery } },
    async (request) => {
      const { date } = request.query;
      if (date !== undefined) assertCalendarDay('date', date);
      return {
        date: date ?? new Date().toISOString().slice(0, 10),
        hours: await analytics.getHourlyDistribution(date),
      };
    },
  );

  app.post<{ Body: { pizza: string } }>(
    '/analytics/popularity',
    { config: ADMIN_ONLY, schema: { body: trackBody } },
    async (request) => {
      const { pizza } = request.body;
      if ((await menuCache.getMenuItem(pizza)) === null) throw new UnknownMenuItemError(pizza);
      return { pizza, orderCount: await analytics.trackPopularPizza(pizza) };
    },
  );
}

/** `YYYY-MM-DD` that the schema's pattern let through must also exist (no 30 February). */
function assertCalendarDay(field: string, date: string): void {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  const parsed = new Date(Date.UTC(year, month - 1, day));
  if (parsed.getUTCMonth() !== month - 1 || parsed.getUTCDate() !== day) {
    throw new InvalidInputError(field, 'must be a calendar day (YYYY-MM-DD)');
  }
}
