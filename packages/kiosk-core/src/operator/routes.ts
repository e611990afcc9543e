import type { FastifyInstance, FastifyReply } from 'fastify';
import {
  collectionRequest,
  grantCreditsRequest,
  issueVoucherRequest,
  ledgerQuery,
  syncPauseRequest,
  type OperatorError,
} from '@jukebox/protocol';
import type { ZodType } from 'zod';
import type { Logger } from '../log.js';
import type { LedgerResult } from '../money/index.js';
import type { OperatorService } from './service.js';
import { bearerMatches } from './token.js';

export interface OperatorRoutesOptions {
  operator: OperatorService;
  token: string;
  log: Logger;
}

/**
 * /api/v1/operator/*: free credits, cash collection and the ledger, behind the operator token.
 * Bodies are parsed with the protocol's zod schemas; a refusal changes nothing.
 */
export async function operatorRoutes(app: FastifyInstance, opts: OperatorRoutesOptions) {
  const { operator, token, log } = opts;
  const fail = (reply: FastifyReply, status: number, code: string, error: string) =>
    reply.code(status).send({ error, code } satisfies OperatorError);

  app.addHook('onRequest', async (req, reply) => {
    if (!bearerMatches(req.headers.authorization, token)) {
      log.warn({ url: req.url }, 'operator API refused: missing or wrong token');
      return fail(reply, 401, 'unauthorized', 'the operator token is missing or wrong');
    }
  });

  /** Parses with `schema`, or answers 400 naming the first bad field. */
  function parse<T>(schema: ZodType<T>, value: unknown, reply: FastifyReply): T | null {
    const r = schema.safeParse(value ?? {});
    if (r.success) return r.data;
    const issue = r.error.issues[0];
    const where = issue && issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
    void fail(reply, 400, 'bad_request', `${where}${issue?.message ?? 'invalid request'}`);
    return null;
  }

  function answer<T>(reply: FastifyReply, r: LedgerResult<T>, status = 200) {
    if (r.ok) return reply.code(status).send(r.value);
    return fail(reply, 400, r.error.code, r.error.message);
  }

  app.post('/credits', async (req, reply) => {
    const body = parse(grantCreditsRequest, req.body, reply);
    if (body === null) return reply;
    return answer(reply, operator.grantCredits(body), 201);
  });

  app.post('/collection', async (req, reply) => {
    const body = parse(collectionRequest, req.body, reply);
    if (body === null) return reply;
    return answer(reply, operator.collect(body.staff), 201);
  });

  // Content downloads: the CD burner pauses them while it burns; an operator may too.
  app.post('/sync/pause', async (req, reply) => {
    const body = parse(syncPauseRequest, req.body, reply);
    if (body === null) return reply;
    if (!operator.setDownloadsPaused(true, body.reason)) {
      return fail(reply, 409, 'no_fleet_link', 'this box has no fleet server configured');
    }
    return reply.code(200).send({ paused: true });
  });

  app.post('/sync/resume', async (_req, reply) => {
    if (!operator.setDownloadsPaused(false, '')) {
      return fail(reply, 409, 'no_fleet_link', 'this box has no fleet server configured');
    }
    return reply.code(200).send({ paused: false });
  });

  // Retail vouchers: a code a customer redeems once for credits (e.g. a free disc).
  app.post('/vouchers', async (req, reply) => {
    const body = parse(issueVoucherRequest, req.body, reply);
    if (body === null) return reply;
    const voucher = operator.issueVoucher(body);
    if (voucher === null)
      return fail(reply, 409, 'not_retail', 'this box is not a retail terminal');
    return reply.code(201).send(voucher);
  });

  app.get('/vouchers', async (_req, reply) => {
    const vouchers = operator.listVouchers();
    if (vouchers === null)
      return fail(reply, 409, 'not_retail', 'this box is not a retail terminal');
    return reply.send({ vouchers });
  });

  app.get('/ledger', async (req, reply) => {
    const query = parse(ledgerQuery, req.query, reply);
    if (query === null) return reply;
    return reply.send(operator.ledgerPage(query));
  });
}
