import { writeFileSync } from 'node:fs';
import path from 'node:path';

/** File in the data folder holding the running core's URL, for local tools (jukebox-operator). */
export const CORE_URL_FILE = 'core.url';

/** Records where the core listens; tools read it instead of guessing a port. */
export function writeCoreUrl(dataDir: string, url: string): void {
  writeFileSync(path.join(dataDir, CORE_URL_FILE), `${url}\n`);
}
