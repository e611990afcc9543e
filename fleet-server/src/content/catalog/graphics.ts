import { open } from 'node:fs/promises';
import type { Kysely } from 'kysely';
import { sniff } from '@jukebox/media';
import { recordAudit, type StaffActor } from '../../audit/log.js';
import { isoTime, type Clock } from '../../clock.js';
import type { FleetDatabase } from '../../db/schema.js';
import { FleetError } from '../../errors.js';
import type { Graphic } from '../api.js';
import type { BlobStore } from '../blobs/types.js';
import { newGraphicId } from '../ids.js';
import type { GraphicKind, GraphicRow } from '../schema.js';

/** Image formats a box shows (kiosk-core content-sync recognises exactly these). */
const IMAGE_TYPES: Record<string, string> = {
  JPEG: 'image/jpeg',
  PNG: 'image/png',
  WebP: 'image/webp',
};

/**
 * Graphics: attract-mode slides, UI skins and stand-alone covers, stored in clear (they are
 * not licensed audio) and put on boxes through content sets.
 */
export class GraphicService {
  constructor(
    private readonly db: Kysely<FleetDatabase>,
    private readonly clock: Clock,
    private readonly blobs: BlobStore,
  ) {}

  async list(): Promise<Graphic[]> {
    const rows = await this.db
      .selectFrom('graphics')
      .selectAll()
      .orderBy('kind')
      .orderBy('name')
      .execute();
    return rows.map(view);
  }

  /** Stores an uploaded image (JPEG, PNG or WebP, judged by its bytes) as a graphic. */
  async create(
    input: { file: string; kind: GraphicKind; name: string },
    actor: StaffActor,
  ): Promise<Graphic> {
    const mimeType = await imageType(input.file);
    const blob = await this.blobs.put({ file: input.file });
    const now = this.clock.now();
    const id = newGraphicId();
    await this.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('graphics')
        .values({
          id,
          kind: input.kind,
          name: input.name,
          sha256: blob.sha256,
          size: blob.size,
          mime_type: mimeType,
          created_at: now,
        })
        .execute();
      await recordAudit(trx, now, {
        actor,
        action: 'graphic.create',
        targetType: 'graphic',
        targetId: id,
        details: { kind: input.kind, name: input.name, sha256: blob.sha256 },
      });
    });
    const row = await this.db
      .selectFrom('graphics')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    return view(row);
  }
}

async function imageType(file: string): Promise<string> {
  const fh = await open(file, 'r');
  let head: Buffer;
  try {
    const buf = Buffer.alloc(16);
    const { bytesRead } = await fh.read(buf, 0, 16, 0);
    head = buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
  const sniffed = sniff(head);
  const type = sniffed.kind === 'image' ? IMAGE_TYPES[sniffed.format] : undefined;
  if (!type) {
    throw new FleetError('unsupported_media_type', 'a graphic is a JPEG, PNG or WebP image');
  }
  return type;
}

function view(row: GraphicRow): Graphic {
  return {
    id: row.id,
    kind: row.kind,
    name: row.name,
    sha256: row.sha256,
    size: row.size,
    mimeType: row.mime_type,
    createdAt: isoTime(row.created_at),
  };
}
