import { EventEmitter } from 'node:events';
import { beforeEach, describe, expect, it, vi } from 'vitest';

/** Records every BrowserWindow the module under test creates. */
const created: FakeWindow[] = [];

class FakeWindow extends EventEmitter {
  readonly webContents = Object.assign(new EventEmitter(), {
    insertCSS: vi.fn(async () => 'key'),
    reload: vi.fn(),
  });
  readonly removeMenu = vi.fn();
  readonly show = vi.fn();
  readonly loadURL = vi.fn(async () => {});
  isDestroyed = (): boolean => false;
  constructor(readonly options: Record<string, unknown>) {
    super();
    created.push(this);
  }
}

vi.mock('electron', () => ({ BrowserWindow: FakeWindow }));

const { createKioskWindow } = await import('./window.js');

beforeEach(() => {
  created.length = 0;
});

describe('kiosk window', () => {
  it('is created with the secure webPreferences and loads the app origin', () => {
    createKioskWindow({
      preloadPath: '/app/dist/preload/preload.cjs',
      kiosk: true,
      hideCursor: false,
      devTools: false,
    });
    const win = created[0]!;
    expect(win.options.webPreferences).toMatchObject({
      preload: '/app/dist/preload/preload.cjs',
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInSubFrames: false,
      webviewTag: false,
      spellcheck: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      devTools: false,
    });
    expect(win.options).toMatchObject({ kiosk: true, fullscreen: true, show: false });
    expect(win.removeMenu).toHaveBeenCalled();
    expect(win.loadURL).toHaveBeenCalledWith('app://kiosk/index.html');
    win.emit('ready-to-show');
    expect(win.show).toHaveBeenCalled();
  });

  it('hides the cursor only when asked', () => {
    createKioskWindow({ preloadPath: '/p', kiosk: false, hideCursor: true, devTools: true });
    createKioskWindow({ preloadPath: '/p', kiosk: false, hideCursor: false, devTools: true });
    const [hidden, shown] = created;
    hidden!.webContents.emit('dom-ready');
    shown!.webContents.emit('dom-ready');
    expect(hidden!.webContents.insertCSS).toHaveBeenCalledWith('* { cursor: none !important; }');
    expect(shown!.webContents.insertCSS).not.toHaveBeenCalled();
    expect(hidden!.options).toMatchObject({ kiosk: false, frame: true });
  });

  it('reloads the page after the renderer dies', () => {
    vi.useFakeTimers();
    try {
      createKioskWindow({ preloadPath: '/p', kiosk: true, hideCursor: false, devTools: false });
      const win = created[0]!;
      win.webContents.emit('render-process-gone', {}, { reason: 'crashed' });
      expect(win.webContents.reload).not.toHaveBeenCalled();
      vi.runAllTimers();
      expect(win.webContents.reload).toHaveBeenCalledTimes(1);
    } finally {
      vi.useRealTimers();
    }
  });
});
