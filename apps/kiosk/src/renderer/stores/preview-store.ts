import type { KioskApi } from '@jukebox/protocol';
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { ToastStore } from './toast-store.js';

/** The part of an HTMLAudioElement the preview player uses, so tests can hand in a fake. */
export interface AudioLike {
  src: string;
  readonly currentTime: number;
  readonly duration: number;
  play(): Promise<void>;
  pause(): void;
  load(): void;
  removeAttribute(name: 'src'): void;
  addEventListener(type: PreviewAudioEvent, listener: () => void): void;
  removeEventListener(type: PreviewAudioEvent, listener: () => void): void;
}

type PreviewAudioEvent = 'playing' | 'timeupdate' | 'ended' | 'error';

export interface PreviewState {
  /** The track whose preview is loading or playing, or null. */
  trackId: number | null;
  /** `loading` from the tap until sound comes out. */
  status: 'idle' | 'loading' | 'playing';
  /** 0-1 through the preview, for the progress ring. */
  progress: number;
  /** Hand over the page's one <audio> element (null when it unmounts). */
  attach(audio: AudioLike | null): void;
  /** Play this track's preview, or stop it when it is the one playing. */
  toggle(trackId: number): void;
  stop(): void;
}

export type PreviewStore = StoreApi<PreviewState>;

/**
 * Retail browsing previews: one <audio> element, one preview at a time. A stream of unknown
 * length (Infinity duration until it ends) counts its progress against `fallbackDurationMs`,
 * the core's usual preview length.
 */
export function createPreviewStore(
  api: KioskApi,
  toasts: ToastStore,
  fallbackDurationMs = 30_000,
): PreviewStore {
  let audio: AudioLike | null = null;
  let detach: (() => void) | null = null;

  return createStore<PreviewState>()((set, get) => {
    const silence = (): void => {
      if (!audio) return;
      audio.pause();
      // Dropping the source also ends the download, so a stopped preview costs no bandwidth.
      audio.removeAttribute('src');
      audio.load();
    };
    const handlers: Record<PreviewAudioEvent, () => void> = {
      playing: () => {
        if (get().trackId !== null) set({ status: 'playing' });
      },
      timeupdate: () => {
        if (!audio || get().trackId === null) return;
        const seconds =
          Number.isFinite(audio.duration) && audio.duration > 0
            ? audio.duration
            : fallbackDurationMs / 1000;
        set({ progress: Math.min(1, Math.max(0, audio.currentTime / seconds)) });
      },
      ended: () => get().stop(),
      error: () => {
        if (get().trackId === null) return;
        get().stop();
        toasts.getState().show('Sorry, this preview cannot play right now.', 'warning');
      },
    };
    return {
      trackId: null,
      status: 'idle',
      progress: 0,
      attach(next) {
        detach?.();
        detach = null;
        if (audio && get().trackId !== null) silence();
        audio = next;
        set({ trackId: null, status: 'idle', progress: 0 });
        if (!next) return;
        for (const [type, listener] of Object.entries(handlers)) {
          next.addEventListener(type as PreviewAudioEvent, listener);
        }
        detach = () => {
          for (const [type, listener] of Object.entries(handlers)) {
            next.removeEventListener(type as PreviewAudioEvent, listener);
          }
        };
      },
      toggle(trackId) {
        if (get().trackId === trackId) {
          get().stop();
          return;
        }
        if (!audio) return;
        const player = audio;
        player.pause();
        player.src = api.previewUrl(trackId);
        set({ trackId, status: 'loading', progress: 0 });
        player.play().catch((err: unknown) => {
          // AbortError: a stop or another preview came first; that is not a failure.
          if (err instanceof DOMException && err.name === 'AbortError') return;
          if (get().trackId !== trackId) return;
          get().stop();
          toasts.getState().show('Sorry, this preview cannot play right now.', 'warning');
        });
      },
      stop() {
        if (get().trackId === null) return;
        silence();
        set({ trackId: null, status: 'idle', progress: 0 });
      },
    };
  });
}
