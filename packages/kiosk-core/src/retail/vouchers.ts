import { fail, ok, type ApiResult, type VoucherView } from '@jukebox/protocol';
import { cachedStatement, type Db } from '../db/index.js';
import type { CreditLedger } from '../money/index.js';
import { newVoucherCode, normaliseVoucherCode } from './ids.js';

const voucherColumns = `code, credits, issued_at AS issuedAt, staff, note,
  redeemed_at AS redeemedAt`;

/**
 * Vouchers staff issue (a free disc after a complaint, a prize): a code worth some credits,
 * redeemed once. Redeeming writes a ledger `free` row naming the voucher and its issuer, in
 * the same transaction that marks the voucher used, so a code can neither pay twice nor be
 * used up without paying.
 */
export class Vouchers {
  constructor(
    private readonly db: Db,
    private readonly ledger: CreditLedger,
    private readonly now: () => Date = () => new Date(),
  ) {}

  issue(credits: number, staff: string, note?: string): VoucherView {
    const insert = cachedStatement<[string, number, string, string, string | null], VoucherView>(
      this.db,
      `INSERT INTO vouchers (code, credits, issued_at, staff, note) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (code) DO NOTHING RETURNING ${voucherColumns}`,
    );
    // 60 random bits: a collision is all but impossible, but costs only another draw.
    for (let i = 0; i < 5; i++) {
      const row = insert.get(
        newVoucherCode(),
        credits,
        this.now().toISOString(),
        staff,
        note ?? null,
      );
      if (row) return row;
    }
    throw new Error('could not draw an unused voucher code');
  }

  /** The vouchers issued, newest first. */
  list(limit = 100): VoucherView[] {
    return cachedStatement<[number], VoucherView>(
      this.db,
      `SELECT ${voucherColumns} FROM vouchers ORDER BY issued_at DESC, code LIMIT ?`,
    ).all(limit);
  }

  /** Turns a code into credits, once. Unknown and used codes are refused with a clear reason. */
  redeem(typed: string): ApiResult<{ credits: number; balance: number }> {
    const code = normaliseVoucherCode(typed);
    return this.db
      .transaction((): ApiResult<{ credits: number; balance: number }> => {
        const voucher = cachedStatement<[string], VoucherView>(
          this.db,
          `SELECT ${voucherColumns} FROM vouchers WHERE code = ?`,
        ).get(code);
        if (!voucher)
          return fail('not_found', `There is no voucher ${code}. Please check the code.`);
        if (voucher.redeemedAt !== null) {
          return fail('bad_request', `Voucher ${code} was already used.`);
        }
        const entry = this.ledger.freeCredits(voucher.credits, `voucher ${code}`, voucher.staff);
        if (!entry.ok) return fail('bad_request', entry.error.message);
        cachedStatement<[string, number, string]>(
          this.db,
          'UPDATE vouchers SET redeemed_at = ?, ledger_seq = ? WHERE code = ?',
        ).run(this.now().toISOString(), entry.value.seq, code);
        return ok({ credits: voucher.credits, balance: entry.value.balanceAfter });
      })
      .immediate();
  }
}
