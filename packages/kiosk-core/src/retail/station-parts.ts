/*
 * What the burn station needs of the parts it drives: the image builder (packages/media),
 * the burners (firmware-hal/burner), the printer and the sync agent. Kept to these shapes so
 * the station can be tested with stand-ins for what cannot run here (a physical drive).
 */

/** What the station needs of an image builder (packages/media's assembleCdImage). */
export type BuildImage = (request: {
  tracks: { source: string; title: string; performer: string; isrc?: string }[];
  title: string;
  performer: string;
  mcn?: string;
  recordingId: string;
  outDir: string;
  media: '74' | '80';
  signal: AbortSignal;
}) => Promise<{ dir: string; tocPath: string; totalSectors: number }>;

export interface BurnProgress {
  phase: string;
  fraction: number;
  detail?: string;
}

/** What the station needs of a burner (firmware-hal/burner). */
export interface StationBurner {
  readonly id: string;
  readonly driver: 'image' | 'cdrdao';
  burn(
    image: { tocPath: string; label: string },
    options: { onProgress?: (p: BurnProgress) => void; signal?: AbortSignal },
  ): Promise<{
    durationMs: number;
    mediaSerial: string | null;
    outputDir: string | null;
    verified: boolean;
  }>;
}

/** A disc as the printer needs it. */
export interface PrintableOrder {
  trackingNumber: string;
  title: string;
  performer: string;
  tracks: { title: string; artist: string; durationMs: number }[];
  totalMs: number;
  placedAt: Date;
  shopName: string;
  recordingId: string;
}

export type PrintDisc = (disc: PrintableOrder) => Promise<{ printed: boolean; detail: string }>;

/** Sync downloads, paused while any disc burns (a burner starved of data ruins the disc). */
export interface DownloadGate {
  pause(reason: string): void;
  resume(): void;
}
