import pino, { type Logger } from 'pino';

export type { Logger };

/**
 * JSON lines on stderr: stdout carries only the READY line (and CLI results) that scripts and
 * the process tests read. Request bodies and headers are never logged (fastify's request
 * serializer keeps method, url, host and remote address), so passwords and tokens stay out.
 */
export function createLogger(level: string): Logger {
  return pino(
    { level, base: { service: 'fleet-server' }, timestamp: pino.stdTimeFunctions.isoTime },
    pino.destination({ fd: 2, sync: false }),
  );
}
