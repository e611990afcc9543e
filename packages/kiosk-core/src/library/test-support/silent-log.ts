import type { LibraryOptions } from '../types.js';

/** A logger that keeps what was logged, for assertions. */
export function memoryLog(): LibraryOptions['log'] & { lines: { level: string; msg: string }[] } {
  const lines: { level: string; msg: string }[] = [];
  const at =
    (level: string) =>
    (obj: unknown, msg?: string): void => {
      lines.push({ level, msg: msg ?? String(obj) });
    };
  return {
    lines,
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
  } as LibraryOptions['log'] & {
    lines: { level: string; msg: string }[];
  };
}
