// The only module allowed to import BrowserWindow (ESLint enforces it, STYLE.md item 6), so
// every window the app makes has the same locked-down webPreferences.
import { BrowserWindow, type WebPreferences } from 'electron';
import { APP_ENTRY_URL } from '../shared/schemes.js';

export interface KioskWindowOptions {
  /** Absolute path of the bundled preload (dist/preload/preload.cjs). */
  preloadPath: string;
  /** Fullscreen kiosk mode (no window frame, no way out for a patron). Off for development. */
  kiosk: boolean;
  /** Hide the mouse pointer: a touch screen has none, and a stray one looks broken. */
  hideCursor: boolean;
  /** Allow DevTools (service and development only). */
  devTools: boolean;
  /** Page to load; the app entry unless given. */
  url?: string;
}

/** Delay before reloading a crashed renderer, so a page that crashes at once cannot spin. */
const RELOAD_AFTER_CRASH_MS = 2000;

/** The secure webPreferences every window gets; exported so a test can assert them. */
export function secureWebPreferences(preloadPath: string, devTools: boolean): WebPreferences {
  return {
    preload: preloadPath,
    sandbox: true,
    contextIsolation: true,
    nodeIntegration: false,
    nodeIntegrationInSubFrames: false,
    nodeIntegrationInWorker: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    spellcheck: false,
    navigateOnDragDrop: false,
    devTools,
  };
}

/**
 * Creates the kiosk window and loads the app. It is shown only once the first frame is ready,
 * so the screen goes from black straight to the UI, and it reloads itself if the renderer dies.
 */
export function createKioskWindow(options: KioskWindowOptions): BrowserWindow {
  const win = new BrowserWindow({
    show: false,
    kiosk: options.kiosk,
    fullscreen: options.kiosk,
    frame: !options.kiosk,
    autoHideMenuBar: true,
    backgroundColor: '#000000',
    webPreferences: secureWebPreferences(options.preloadPath, options.devTools),
  });
  win.removeMenu();
  win.once('ready-to-show', () => win.show());
  if (options.hideCursor) {
    win.webContents.on('dom-ready', () => {
      void win.webContents.insertCSS('* { cursor: none !important; }');
    });
  }
  win.webContents.on('render-process-gone', () => {
    setTimeout(() => {
      if (!win.isDestroyed()) win.webContents.reload();
    }, RELOAD_AFTER_CRASH_MS);
  });
  void win.loadURL(options.url ?? APP_ENTRY_URL);
  return win;
}
