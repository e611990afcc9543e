import { describe, expect, it, vi } from 'vitest';
import { FakeApi } from '../api/fake-api.test-util.js';
import { createPreviewStore, type AudioLike } from './preview-store.js';
import { createToastStore } from './toast-store.js';

type Listener = () => void;

/** An <audio> element as far as the preview store sees it; the test plays the browser. */
class FakeAudio implements AudioLike {
  src = '';
  currentTime = 0;
  duration = Number.NaN;
  paused = true;
  loads = 0;
  playResult: () => Promise<void> = async () => {};
  private readonly listeners = new Map<string, Set<Listener>>();

  play(): Promise<void> {
    this.paused = false;
    return this.playResult();
  }
  pause(): void {
    this.paused = true;
  }
  load(): void {
    this.loads++;
  }
  removeAttribute(): void {
    this.src = '';
  }
  addEventListener(type: string, l: Listener): void {
    if (!this.listeners.has(type)) this.listeners.set(type, new Set());
    this.listeners.get(type)!.add(l);
  }
  removeEventListener(type: string, l: Listener): void {
    this.listeners.get(type)?.delete(l);
  }
  fire(type: string): void {
    for (const l of this.listeners.get(type) ?? []) l();
  }
  get listenerCount(): number {
    return [...this.listeners.values()].reduce((n, s) => n + s.size, 0);
  }
}

function setup() {
  const toasts = createToastStore();
  const preview = createPreviewStore(new FakeApi().api, toasts, 30_000);
  const audio = new FakeAudio();
  preview.getState().attach(audio);
  return { preview, audio, toasts };
}

describe('preview store', () => {
  it('plays a preview from the API URL and stops it on a second tap', () => {
    const { preview, audio } = setup();
    preview.getState().toggle(12);
    expect(audio.src).toBe('/media/previews/12');
    expect(audio.paused).toBe(false);
    expect(preview.getState()).toMatchObject({ trackId: 12, status: 'loading', progress: 0 });
    audio.fire('playing');
    expect(preview.getState().status).toBe('playing');

    preview.getState().toggle(12);
    expect(audio.paused).toBe(true);
    // The source is dropped so the stream download ends too.
    expect(audio.src).toBe('');
    expect(audio.loads).toBe(1);
    expect(preview.getState()).toMatchObject({ trackId: null, status: 'idle' });
  });

  it('plays one preview at a time: another track takes over the one element', () => {
    const { preview, audio } = setup();
    preview.getState().toggle(1);
    audio.fire('playing');
    preview.getState().toggle(2);
    expect(audio.src).toBe('/media/previews/2');
    expect(preview.getState()).toMatchObject({ trackId: 2, status: 'loading' });
  });

  it('fills the ring by the element duration, or by 30 s for a stream of unknown length', () => {
    const { preview, audio } = setup();
    preview.getState().toggle(5);
    audio.currentTime = 15;
    audio.fire('timeupdate');
    expect(preview.getState().progress).toBeCloseTo(0.5);
    audio.duration = 20;
    audio.fire('timeupdate');
    expect(preview.getState().progress).toBeCloseTo(0.75);
    audio.currentTime = 25;
    audio.fire('timeupdate');
    expect(preview.getState().progress).toBe(1);
  });

  it('returns to idle when the preview ends', () => {
    const { preview, audio } = setup();
    preview.getState().toggle(5);
    audio.fire('ended');
    expect(preview.getState()).toMatchObject({ trackId: null, status: 'idle', progress: 0 });
  });

  it('says so when a preview cannot play, from an error event or a refused play()', async () => {
    const { preview, audio, toasts } = setup();
    preview.getState().toggle(5);
    audio.fire('error');
    expect(preview.getState().trackId).toBeNull();
    audio.playResult = () => Promise.reject(new DOMException('no source', 'NotSupportedError'));
    preview.getState().toggle(6);
    await vi.waitFor(() => expect(preview.getState().trackId).toBeNull());
    expect(toasts.getState().toasts.map((t) => t.text)).toEqual([
      'Sorry, this preview cannot play right now.',
      'Sorry, this preview cannot play right now.',
    ]);
  });

  it('takes an aborted play() (stopped before it started) quietly', async () => {
    const { preview, audio, toasts } = setup();
    audio.playResult = () => Promise.reject(new DOMException('interrupted', 'AbortError'));
    preview.getState().toggle(5);
    preview.getState().toggle(6);
    await Promise.resolve();
    expect(preview.getState().trackId).toBe(6);
    expect(toasts.getState().toasts).toEqual([]);
  });

  it('stops and lets go of the element when it unmounts; toggling then does nothing', () => {
    const { preview, audio } = setup();
    preview.getState().toggle(5);
    preview.getState().attach(null);
    expect(audio.paused).toBe(true);
    expect(audio.listenerCount).toBe(0);
    preview.getState().toggle(6);
    expect(preview.getState().trackId).toBeNull();
    expect(audio.src).toBe('');
  });
});
