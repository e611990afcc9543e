/**
 * Why the ledger refused an operation. Stable strings: the service maps them to API errors
 * (`insufficient_credits` passes through; the others are `bad_request`).
 */
export type LedgerErrorCode =
  | 'insufficient_credits'
  | 'no_price_rule'
  | 'invalid_amount'
  | 'reason_required'
  | 'staff_required'
  | 'refund_exceeds_spend';

export interface LedgerError {
  code: LedgerErrorCode;
  message: string;
}

/** Every ledger operation answers with a result; a refusal changes nothing. */
export type LedgerResult<T> = { ok: true; value: T } | { ok: false; error: LedgerError };

export function refused(code: LedgerErrorCode, message: string): { ok: false; error: LedgerError } {
  return { ok: false, error: { code, message } };
}
