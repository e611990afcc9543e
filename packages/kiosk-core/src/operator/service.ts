import type {
  IssueVoucherRequest,
  VoucherView,
  CollectionResponse,
  GrantCreditsRequest,
  GrantCreditsResponse,
  LedgerQuery,
  LedgerResponse,
} from '@jukebox/protocol';
import type { Logger } from '../log.js';
import type { CreditLedger, LedgerResult } from '../money/index.js';
import type { Vouchers } from '../retail/vouchers.js';
import type { SyncAgent } from '../sync/agent.js';

/**
 * What an operator does at the box: free credits (a ledger row with the reason and the staff
 * name), emptying the cash box (a collection mark closing the money totals) and reading the
 * ledger. Every change is a ledger write; `changed` lets the UI show the new balance at once.
 */
export class OperatorService {
  constructor(
    private readonly ledger: CreditLedger,
    private readonly log: Logger,
    private readonly changed: () => void,
    /** The fleet link, when the box has one: downloads can be paused and resumed. */
    private readonly fleet: Pick<SyncAgent, 'pauseDownloads' | 'resumeDownloads'> | null = null,
    /** Retail vouchers, on a retail terminal. */
    private readonly vouchers: Pick<Vouchers, 'issue' | 'list'> | null = null,
  ) {}

  /** Issues a voucher; null when this box is not a retail terminal. */
  issueVoucher(request: IssueVoucherRequest): VoucherView | null {
    if (this.vouchers === null) return null;
    const v = this.vouchers.issue(request.credits, request.staff, request.note);
    this.log.info({ credits: v.credits, staff: v.staff }, 'voucher issued');
    return v;
  }

  listVouchers(): VoucherView[] | null {
    return this.vouchers?.list() ?? null;
  }

  /** Pauses or resumes content downloads; false when the box has no fleet link. */
  setDownloadsPaused(paused: boolean, reason: string): boolean {
    if (this.fleet === null) return false;
    if (paused) this.fleet.pauseDownloads(reason);
    else this.fleet.resumeDownloads();
    this.log.info({ paused, reason }, paused ? 'downloads paused' : 'downloads resumed');
    this.changed();
    return true;
  }

  grantCredits(request: GrantCreditsRequest): LedgerResult<GrantCreditsResponse> {
    const r = this.ledger.freeCredits(request.credits, request.reason, request.staff);
    if (!r.ok) return r;
    this.log.info(
      { seq: r.value.seq, credits: request.credits, reason: request.reason, staff: request.staff },
      'operator gave free credits',
    );
    this.changed();
    return { ok: true, value: { entry: r.value, balance: r.value.balanceAfter } };
  }

  collect(staff: string): LedgerResult<CollectionResponse> {
    const r = this.ledger.markCollection(staff);
    if (!r.ok) return r;
    const { collection, collected } = r.value;
    this.log.info(
      { collection: collection.id, staff, totalCents: collected.totalCents },
      'cash box collected',
    );
    this.changed();
    return {
      ok: true,
      value: {
        collection,
        collected: {
          sinceCollection: collected.since?.at ?? null,
          totalCents: collected.totalCents,
          count: collected.count,
          byDenomination: collected.byDenomination,
        },
      },
    };
  }

  ledgerPage(query: LedgerQuery): LedgerResponse {
    // One row more than asked tells whether another page follows.
    const rows = this.ledger.entriesAfter(query.after, query.limit + 1);
    const entries = rows.slice(0, query.limit);
    const last = entries.at(-1);
    return {
      entries,
      balance: this.ledger.balance(),
      next: rows.length > query.limit && last ? last.seq : null,
    };
  }
}
