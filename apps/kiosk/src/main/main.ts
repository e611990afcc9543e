// Electron entry point: wires the modules together and owns the app's lifecycle. Each concern
// lives in its own module (window, security, protocols, ipc, core process, core client).
import { join } from 'node:path';
import { app, dialog, ipcMain, Menu, protocol, session, type WebContents } from 'electron';
import { CoreClient } from './core-client.js';
import { utilityProcessLauncher } from './core-launcher-electron.js';
import { CoreSupervisor } from './core-process.js';
import { coreEventForwarder, registerKioskIpc, stateRefresher } from './ipc.js';
import { shellPaths } from './paths.js';
import { handleProtocols, registerPrivilegedSchemes } from './protocols.js';
import { installSecurity } from './security.js';
import { coreArgs, loadShellSettings } from './shell-config.js';
import { createKioskWindow } from './window.js';

const log = (line: string): void => console.log(line);

// Scheme privileges must be registered before `ready`.
registerPrivilegedSchemes(protocol);

async function start(): Promise<void> {
  const settings = await loadShellSettings(process.argv, process.env);
  if (!settings.ok) {
    dialog.showErrorBox('Jukebox configuration error', settings.error);
    app.exit(2);
    return;
  }
  const { configPath, shell } = settings.value;
  const paths = shellPaths(app.getAppPath());
  const userData = app.getPath('userData');

  Menu.setApplicationMenu(null);
  installSecurity(app, session.defaultSession);

  let page: WebContents | null = null;
  const forward = coreEventForwarder(() => page);
  const client: CoreClient = new CoreClient({
    log,
    onEvent: forward,
    onConnectionChange: (connected) => refresh(connected),
  });
  const refresh = stateRefresher(client, forward);
  const core = new CoreSupervisor({
    cliPath: paths.coreCli,
    args: coreArgs(configPath, join(userData, 'data')),
    launch: utilityProcessLauncher({ cwd: userData }),
    log,
    // A restarted core listens on a new port: re-point the client every time.
    onReady: (url) => client.setUrl(url),
    onDown: (down) => {
      client.setUrl(null);
      log(`core exited (code ${down.code}): ${down.stderrTail.trim().split('\n').pop() ?? ''}`);
    },
    onRestartScheduled: (delayMs) => log(`core restarting in ${delayMs} ms`),
  });

  handleProtocols(protocol, { rendererDir: paths.rendererDir, getCoreUrl: () => core.url });
  registerKioskIpc(ipcMain, client);
  core.start();

  const win = createKioskWindow({
    preloadPath: paths.preloadPath,
    kiosk: shell.kiosk,
    hideCursor: shell.hideCursor,
    devTools: shell.devTools,
  });
  page = win.webContents;
  win.on('closed', () => {
    page = null;
  });
  app.on('second-instance', () => {
    if (!win.isDestroyed()) win.focus();
  });

  let quitting = false;
  app.on('before-quit', (event) => {
    if (quitting) return;
    // Hold the quit until the core has exited, so it can close SQLite cleanly.
    event.preventDefault();
    quitting = true;
    client.close();
    void core.stop().finally(() => app.quit());
  });
}

// One shell per box: a second launch (a double-tapped desktop icon, a restarted session)
// focuses the running window instead of starting a second core on the same database.
if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('window-all-closed', () => app.quit());
  app.whenReady().then(start, (err: unknown) => {
    console.error(err);
    app.exit(1);
  });
}
