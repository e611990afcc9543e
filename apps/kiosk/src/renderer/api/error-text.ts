import type { ApiError, ApiErrorCode } from '@jukebox/protocol';

const texts: Record<ApiErrorCode, string> = {
  insufficient_credits: 'Not enough credit. Please insert coins and try again.',
  queue_full: 'The queue is full. Please try again after the next song.',
  unavailable: 'The jukebox is not responding. Please try again in a moment.',
  not_found: 'Sorry, that song is no longer available.',
  bad_request: 'Sorry, that did not work. Please try again.',
  internal: 'Sorry, something went wrong. Please try again.',
};

/** A patron-facing sentence for an API error; the technical message stays in the console. */
export function errorText(error: ApiError): string {
  return texts[error.code];
}

const retailTexts: Partial<Record<ApiErrorCode, string>> = {
  insufficient_credits: 'Not enough credit. Please insert money or redeem a voucher.',
  unavailable: 'The terminal is not responding. Please try again in a moment.',
  not_found: 'Sorry, a track on your disc is no longer available.',
};

/** The same for the retail CD terminal, which speaks of discs and money, not songs and coins. */
export function retailErrorText(error: ApiError): string {
  return retailTexts[error.code] ?? texts[error.code];
}
