import { staffOf } from '../auth/staff-auth.js';
import type { FleetApp, FleetContext } from '../context.js';
import { errorResponses } from '../errors.js';
import {
  retailOrderDetail,
  retailOrderList,
  retailOrderListQuery,
  trackingNumberParams,
} from './api-schemas.js';
import { StaffOrders } from './staff-orders.js';

/** Staff views of retail orders: the list, and one order with the customer's contact. */
export function registerStaffOrderRoutes(app: FleetApp, ctx: FleetContext): void {
  const orders = new StaffOrders(ctx.db, ctx.clock);
  const readers = ctx.auth.requireRole('admin', 'bookkeeper', 'route-operator');

  app.get(
    '/api/v1/retail/orders',
    {
      onRequest: readers.onRequest,
      schema: {
        ...readers.schema,
        tags: ['retail'],
        summary: 'Retail orders, newest first, by box and status (route operators: their boxes)',
        querystring: retailOrderListQuery,
        response: { 200: retailOrderList, ...errorResponses },
      },
    },
    async (request) => orders.list(request.query, staffOf(request)),
  );

  app.get(
    '/api/v1/retail/orders/:trackingNumber',
    {
      onRequest: readers.onRequest,
      schema: {
        ...readers.schema,
        tags: ['retail'],
        summary: 'One order: tracks, burn events, recordings and the customer contact (audited)',
        params: trackingNumberParams,
        response: { 200: retailOrderDetail, ...errorResponses },
      },
    },
    async (request) => orders.detail(request.params.trackingNumber, staffOf(request)),
  );
}
