/**
 * The core's port is for this box only. Two checks keep other web pages away from it:
 *
 * - Host: a page on another site can point its own name at 127.0.0.1 (DNS rebinding) and
 *   would then be "same-origin" with us. Such requests carry that foreign name in Host, so
 *   when the core listens on loopback only loopback names on our own port are answered.
 * - Origin: a page may open a WebSocket to any address; only our own pages (same origin) and
 *   clients that send no Origin (the Electron main process, curl, tests) may use the API.
 */
const loopbackNames = new Set(['127.0.0.1', 'localhost', '[::1]']);

export function isLoopbackAddress(host: string): boolean {
  return host === '127.0.0.1' || host === 'localhost' || host === '::1' || host.startsWith('127.');
}

/** Whether a Host header names this box's loopback port. */
export function isLocalHost(hostHeader: string | undefined, port: number): boolean {
  if (!hostHeader) return false;
  const m = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(hostHeader.toLowerCase());
  if (!m) return false;
  const [, name, p] = m;
  return loopbackNames.has(name!) && Number(p ?? 80) === port;
}

/** Whether a WebSocket may be opened from this Origin (absent, or our own host). */
export function isAllowedOrigin(
  origin: string | undefined,
  hostHeader: string | undefined,
): boolean {
  if (origin === undefined) return true;
  try {
    const url = new URL(origin);
    return url.protocol === 'http:' && url.host === hostHeader;
  } catch {
    return false;
  }
}
