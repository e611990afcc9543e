export { CreditLedger, type CreditLedgerOptions } from './ledger.js';
export { creditsFor, priceOf, type CreditGrant, type Pricing } from './pricing.js';
export type { LedgerError, LedgerErrorCode, LedgerResult } from './result.js';
export type {
  Collection,
  CreditOutcome,
  DenominationTotal,
  DeviceCounter,
  DeviceCounterInput,
  DeviceCredit,
  LedgerEntry,
  LedgerKind,
  MoneyTotals,
} from './types.js';
export { DeviceCheckpoints, type StoredCheckpoint } from './checkpoints.js';
export { moneyHealth } from './health.js';
export { PaidQueue, entryRef, type RefundOutcome } from './paid-queue.js';
export {
  MoneyService,
  type ConfiguredDevice,
  type MoneyServiceOptions,
  type MoneyUpdate,
} from './service.js';
