import pino, { type Logger } from 'pino';

export type { Logger };

/**
 * The core's logger: JSON lines on stderr (stdout is kept for the READY line the Electron
 * shell waits for), one line per event, with the box id on every line.
 */
export function createLogger(level: string, boxId: string): Logger {
  return pino({ level, base: { box: boxId } }, pino.destination({ fd: 2, sync: false }));
}
