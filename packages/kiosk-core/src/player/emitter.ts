/** Event name -> listener signature. */
export type EventMap<E> = { [K in keyof E]: (...args: never[]) => void };

/**
 * A minimal typed event emitter. Unlike node:events it never throws when an `error` event has
 * no listener, and a listener that throws cannot break the emitter's caller (the player's
 * loop): the exception is handed to `onListenerError` instead.
 */
export class TypedEmitter<E extends EventMap<E>> {
  private readonly listeners = new Map<keyof E, Set<E[keyof E]>>();

  constructor(private readonly onListenerError: (err: unknown) => void = () => {}) {}

  /** Adds a listener; returns a function that removes it. */
  on<K extends keyof E>(event: K, listener: E[K]): () => void {
    let set = this.listeners.get(event);
    if (set === undefined) {
      set = new Set();
      this.listeners.set(event, set);
    }
    set.add(listener);
    return () => this.off(event, listener);
  }

  off<K extends keyof E>(event: K, listener: E[K]): void {
    this.listeners.get(event)?.delete(listener);
  }

  protected emit<K extends keyof E>(event: K, ...args: Parameters<E[K]>): void {
    for (const listener of this.listeners.get(event) ?? []) {
      try {
        (listener as (...a: Parameters<E[K]>) => void)(...args);
      } catch (err) {
        this.onListenerError(err);
      }
    }
  }
}
