import { moneyText, type MoneyFeedback, type PricingState } from '@jukebox/protocol';

/** The currency part of the core's pricing: ISO code and digits after the decimal point. */
export type Currency = Pick<PricingState, 'currency' | 'minorUnit'>;

/** An amount in minor units as money ("$8.99"): the protocol's, shared with the core. */
export { moneyText };

/** The top bar's balance on a retail terminal. */
export function retailCreditText(credits: number, currency: Currency): string {
  return `Credit: ${moneyText(credits, currency)}`;
}

/** "1 credit" / "N credits". */
export function creditsText(n: number): string {
  return n === 1 ? '1 credit' : `${n} credits`;
}

/** What the top bar's credit display says. */
export function creditDisplayText(credits: number, freePlay: boolean): string {
  return freePlay ? 'Free play' : `Credits: ${credits}`;
}

/** The price line of the confirm sheet: "1 credit", or "Free" on a free-play box. */
export function priceText(price: number, freePlay: boolean): string {
  return freePlay ? 'Free' : creditsText(price);
}

/** The prompt shown while a pick waits for money. */
export function insertMoneyText(missing: number): string {
  return `Insert money: ${missing} more ${missing === 1 ? 'credit' : 'credits'} needed`;
}

// Device reasons (firmware-hal RejectReason) in words a patron at the slot can act on.
const rejectTexts: Record<string, string> = {
  rejected: 'not recognised, please try again',
  inhibited: 'not taken right now',
  'unknown-denomination': 'this value is not accepted',
  'too-fast': 'please insert one at a time',
  fraud: 'not accepted',
  slug: 'not recognised',
};

/** Plain words for a device's reject reason; unknown reasons get a neutral sentence. */
export function rejectReasonText(reason: string): string {
  return rejectTexts[reason] ?? 'please try again';
}

/**
 * Toast text for one coin or note, naming the acceptor. `amountText` words the credits it
 * earned: "+2 credits" on a jukebox, money ("+$1.00") on a retail terminal.
 */
export function moneyFeedbackText(
  feedback: MoneyFeedback,
  amountText: (credits: number) => string = creditsText,
): string {
  const what = feedback.acceptor === 'coin' ? 'Coin' : 'Note';
  if (feedback.kind === 'accepted') return `${what} accepted: +${amountText(feedback.credits)}`;
  return `${what} returned: ${rejectReasonText(feedback.reason)}`;
}
