/**
 * An amount in minor units (cents) as money, e.g. 899 USD -> "$8.99". Shared by the touch UI
 * and the core (customer notices), so a price reads the same on the screen and in a message.
 * A code Intl does not know (a token currency, a typo in the config) still reads as money.
 */
export function moneyText(
  amount: number,
  { currency, minorUnit }: { currency: string; minorUnit: number },
): string {
  const value = amount / 10 ** minorUnit;
  try {
    return new Intl.NumberFormat('en-US', {
      style: 'currency',
      currency,
      minimumFractionDigits: minorUnit,
      maximumFractionDigits: minorUnit,
    }).format(value);
  } catch {
    return `${value.toFixed(minorUnit)} ${currency}`;
  }
}
