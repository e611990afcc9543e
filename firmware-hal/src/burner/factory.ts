import { isAbsolute, join, resolve } from 'node:path';
import { burnerConfig, type BurnerConfig } from '@jukebox/protocol';
import { CdrdaoBurner } from './cdrdao-burner.js';
import { ImageBurner } from './image-burner.js';
import type { Burner, BurnerLog } from './types.js';

export interface CreateBurnerDeps {
  /** The box's data folder; image burners write to `<dataDir>/images` unless `dir` is set. */
  dataDir: string;
  logger?: BurnerLog;
  /** cdrdao for the image burner's checks (the cdrdao burner has `executable` in its config). */
  cdrdao?: string;
  /** SIGTERM-to-SIGKILL grace when a burn is aborted. */
  killGraceMs?: number;
}

/**
 * Builds the burner a configuration entry names. The entry is parsed again here, so a caller
 * that skipped the config loader still gets an error naming the burner and the field rather
 * than a burner with a silent default. A relative image `dir` is taken relative to `dataDir`.
 */
export function createBurner(config: BurnerConfig, deps: CreateBurnerDeps): Burner {
  const parsed = burnerConfig.safeParse(config);
  if (!parsed.success) {
    const id =
      typeof (config as { id?: unknown }).id === 'string' ? (config as { id: string }).id : '?';
    const detail = parsed.error.issues
      .map((i) => `${i.path.join('.') || '(all)'}: ${i.message}`)
      .join('; ');
    throw new Error(`burner "${id}": ${detail}`);
  }
  const c = parsed.data;
  const common = {
    id: c.id,
    ...(deps.logger ? { log: deps.logger } : {}),
    ...(deps.killGraceMs === undefined ? {} : { killGraceMs: deps.killGraceMs }),
  };
  switch (c.driver) {
    case 'image': {
      const dir = c.dir === undefined ? join(deps.dataDir, 'images') : c.dir;
      return new ImageBurner({
        ...common,
        dir: isAbsolute(dir) ? dir : resolve(deps.dataDir, dir),
        verify: c.verify,
        ...(deps.cdrdao === undefined ? {} : { cdrdao: deps.cdrdao }),
      });
    }
    case 'cdrdao':
      return new CdrdaoBurner({
        ...common,
        device: c.device,
        executable: c.executable,
        simulate: c.simulate,
        ...(c.speed === undefined ? {} : { speed: c.speed }),
        ...(c.cdrdaoDriver === undefined ? {} : { cdrdaoDriver: c.cdrdaoDriver }),
      });
  }
}
