import type { FastifyInstance } from 'fastify';
import type { PizzeriaServices } from '../../composition-root.js';
import { slugString } from '../schemas.js';

const topQuery = {
  type: 'object',
  additionalProperties: false,
  properties: { limit: { type: 'integer', minimum: 1, maximum: 50, default: 10 } },
} as const;

const hourlyQuery = {
  type: 'object',
  additionalProperties: false,
  properties: { date: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' } },
} as const;

const trackBody = {
  type: 'object',
  additionalProperties: false,
  required: ['pizza'],
  properties: { pizza: slugString },
} as const;

/** PizzaAnalyticsService: popularity (ZINCRBY, top 50) and orders per hour (7-day hashes). */
export function registerAnalyticsRoutes(app: FastifyInstance, services: PizzeriaServices): void {
  const { analytics } = services;

  app.get<{ Querystring: { limit: number } }>(
    '/analytics/top',
    { schema: { querystring: topQuery } },
    async (request) => ({ pizzas: await analytics.getTopPizzas(request.query.limit) }),
  );

  app.get<{ Querystring: { date?: string } }>(
    '/analytics/hourly',
    { schema: { querystring: hourlyQuery } },
    async (request) => ({
      date: request.query.date ?? new Date().toISOString().slice(0, 10),
      hours: await analytics.getHourlyDistribution(request.query.date),
    }),
  );

  app.post<{ Body: { pizza: string } }>(
    '/analytics/popularity',
    { schema: { body: trackBody } },
    async (request) => ({
      pizza: request.body.pizza,
      orderCount: await analytics.trackPopularPizza(request.body.pizza),
    }),
  );
}
