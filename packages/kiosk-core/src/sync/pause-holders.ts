/**
 * Who holds content downloads paused, and why: the operator, the CD burn station. Each holder
 * pauses and resumes for itself, so a burn that ends cannot undo the operator's pause, nor the
 * operator's resume cut into a burn. Downloads run only while nobody holds them.
 */
export class PauseHolders {
  private readonly holders = new Map<string, string>();

  /** `holder` pauses for `reason` (again: the reason is updated). */
  hold(holder: string, reason: string): void {
    this.holders.delete(holder);
    this.holders.set(holder, reason);
  }

  /** `holder` lets go; returns the reason downloads stay paused for, or null when they may run. */
  release(holder: string): string | null {
    this.holders.delete(holder);
    return this.reason();
  }

  /** The newest holder's reason, or null when nobody holds downloads. */
  reason(): string | null {
    return [...this.holders.values()].at(-1) ?? null;
  }
}
