import type { EventEmitter } from 'node:events';
import { resolve } from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';

/** Fakes for the parts of electron that main.ts wires together. */
const fake = vi.hoisted(() => {
  const state = {
    lock: true,
    windows: [] as Array<{ options: Record<string, unknown> }>,
    forks: [] as Array<{ modulePath: string; args: string[]; options: Record<string, unknown> }>,
    handled: [] as string[],
    privileged: [] as string[],
    ipcChannels: [] as string[],
    quit: 0,
    appPath: '',
  };
  return { state };
});

vi.mock('electron', async () => {
  const { EventEmitter: Emitter } = await import('node:events');
  const { PassThrough: Pass } = await import('node:stream');
  const app = Object.assign(new Emitter(), {
    requestSingleInstanceLock: () => fake.state.lock,
    whenReady: () => Promise.resolve(),
    quit: () => {
      fake.state.quit += 1;
    },
    exit: vi.fn(),
    getAppPath: () => fake.state.appPath,
    getPath: () => '/tmp/jukebox-user-data',
  });
  class BrowserWindow extends Emitter {
    webContents = Object.assign(new Emitter(), { insertCSS: vi.fn(), reload: vi.fn() });
    removeMenu = vi.fn();
    loadURL = vi.fn(async () => {});
    isDestroyed = () => false;
    focus = vi.fn();
    show = vi.fn();
    constructor(readonly options: Record<string, unknown>) {
      super();
      fake.state.windows.push(this);
    }
  }
  const utilityProcess = {
    fork: (modulePath: string, args: string[], options: Record<string, unknown>) => {
      fake.state.forks.push({ modulePath, args, options });
      const child = Object.assign(new Emitter(), {
        stdout: new Pass(),
        stderr: new Pass(),
        kill: () => child.emit('exit', 0),
      });
      return child;
    },
  };
  return {
    app,
    BrowserWindow,
    utilityProcess,
    dialog: { showErrorBox: vi.fn() },
    Menu: { setApplicationMenu: vi.fn() },
    ipcMain: {
      handle: (channel: string) => fake.state.ipcChannels.push(channel),
      removeHandler: vi.fn(),
    },
    protocol: {
      registerSchemesAsPrivileged: (schemes: Array<{ scheme: string }>) =>
        fake.state.privileged.push(...schemes.map((s) => s.scheme)),
      handle: (scheme: string) => fake.state.handled.push(scheme),
    },
    session: {
      defaultSession: {
        setPermissionRequestHandler: vi.fn(),
        setPermissionCheckHandler: vi.fn(),
        setDevicePermissionHandler: vi.fn(),
        webRequest: { onHeadersReceived: vi.fn() },
      },
    },
  };
});

async function flush(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
}

beforeEach(async () => {
  vi.resetModules();
  // The mocked module may outlive resetModules: drop listeners an earlier test's main added.
  const { app } = await import('electron');
  (app as unknown as EventEmitter).removeAllListeners();
  Object.assign(fake.state, {
    lock: true,
    windows: [],
    forks: [],
    handled: [],
    privileged: [],
    ipcChannels: [],
    quit: 0,
    appPath: resolve(import.meta.dirname, '../..'),
  });
  vi.stubEnv('JUKEBOX_CONFIG', '');
});

describe('main process wiring', () => {
  it('quits at once when another instance holds the lock', async () => {
    fake.state.lock = false;
    await import('./main.js');
    await flush();
    expect(fake.state.quit).toBe(1);
    expect(fake.state.windows).toHaveLength(0);
    expect(fake.state.forks).toHaveLength(0);
  });

  it('on ready: schemes, core, IPC and one secure kiosk window', async () => {
    await import('./main.js');
    await flush();
    expect(fake.state.privileged).toEqual(['app', 'jukebox-media']);
    expect(fake.state.handled).toEqual(['app', 'jukebox-media']);
    expect(fake.state.ipcChannels).toContain('kiosk:getState');
    expect(fake.state.forks).toHaveLength(1);
    const fork = fake.state.forks[0]!;
    expect(fork.modulePath).toMatch(/kiosk-core[\\/]dist[\\/]cli\.js$/);
    expect(fork.args).toEqual(['--port', '0', '--data-dir', '/tmp/jukebox-user-data/data']);
    expect(fake.state.windows).toHaveLength(1);
    expect(fake.state.windows[0]!.options.webPreferences).toMatchObject({
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
    });
  });

  it('holds the quit until the core has stopped', async () => {
    const { app } = await import('electron');
    await import('./main.js');
    await flush();
    const event = { preventDefault: vi.fn() };
    (app as unknown as EventEmitter).emit('before-quit', event);
    expect(event.preventDefault).toHaveBeenCalled();
    await flush();
    expect(fake.state.quit).toBe(1);
  });
});
