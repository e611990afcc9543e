import { openAsBlob } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';

/*
 * `fleet-server catalog import DIR --server URL`: uploads every audio file of a folder
 * through the staff API, as a catalog manager would one by one. It talks HTTP only, so it
 * works against any server it can reach, and every file goes through the same checks as an
 * upload from a console.
 */

/** Extensions of the containers ingest accepts (media/ingest/sniff.ts); others are skipped. */
const AUDIO_EXTENSIONS = new Set([
  '.mp3',
  '.mp2',
  '.aac',
  '.m4a',
  '.mp4',
  '.flac',
  '.wav',
  '.ogg',
  '.oga',
  '.opus',
  '.aif',
  '.aiff',
  '.aifc',
  '.mka',
  '.webm',
  '.wv',
  '.caf',
]);

export interface ImportIo {
  /** Progress (a bar on a terminal, one line per file otherwise). */
  stderr: { write(text: string): unknown; isTTY?: boolean; columns?: number };
  /** The summary. */
  stdout: { write(text: string): unknown };
}

export interface ImportOptions {
  dir: string;
  server: string;
  username: string;
  password: string;
}

type Outcome =
  | { file: string; kind: 'created' | 'duplicate'; trackId: string; title: string }
  | { file: string; kind: 'failed'; reason: string };

/** A mistake on the command line: exit status 2. */
export class ImportUsageError extends Error {}

/**
 * The audio files in `dir` and its subfolders (a music library is artist/album/track), as
 * paths relative to `dir`, sorted. Hidden folders and symbolic links are not followed.
 */
export async function audioFilesIn(dir: string, sub = ''): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(path.join(dir, sub), { withFileTypes: true });
  } catch (err) {
    throw new ImportUsageError(
      `cannot read the folder ${path.join(dir, sub)}: ${(err as Error).message}`,
    );
  }
  const found: string[] = [];
  for (const e of entries) {
    const rel = sub === '' ? e.name : path.join(sub, e.name);
    if (e.isFile() && AUDIO_EXTENSIONS.has(path.extname(e.name).toLowerCase())) found.push(rel);
    else if (e.isDirectory() && !e.name.startsWith('.'))
      found.push(...(await audioFilesIn(dir, rel)));
  }
  return found.sort();
}

async function json(res: Response): Promise<unknown> {
  const text = await res.text();
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return text;
  }
}

function errorMessage(status: number, body: unknown): string {
  const message =
    typeof body === 'object' && body !== null
      ? (body as { error?: { message?: unknown } }).error?.message
      : undefined;
  return `${status} ${typeof message === 'string' ? message : 'no explanation'}`;
}

/** Signs in; the bearer token. */
async function login(server: string, username: string, password: string): Promise<string> {
  const res = await fetch(`${server}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  const body = await json(res);
  if (res.status !== 200) throw new Error(`sign-in refused: ${errorMessage(res.status, body)}`);
  return (body as { token: string }).token;
}

async function uploadOne(
  server: string,
  token: string,
  dir: string,
  name: string,
): Promise<Outcome> {
  try {
    const form = new FormData();
    // openAsBlob streams the file from disk as the request is sent.
    form.append('audio', await openAsBlob(path.join(dir, name)), name);
    const res = await fetch(`${server}/api/v1/catalog/tracks`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
      body: form,
    });
    const body = await json(res);
    if (res.status === 200 || res.status === 201) {
      const track = (body as { track: { id: string; title: string; artist: string } }).track;
      return {
        file: name,
        kind: res.status === 201 ? 'created' : 'duplicate',
        trackId: track.id,
        title: `"${track.title}" by ${track.artist}`,
      };
    }
    return { file: name, kind: 'failed', reason: errorMessage(res.status, body) };
  } catch (err) {
    const cause = (err as Error).cause;
    const detail = cause instanceof Error ? `: ${cause.message}` : '';
    return { file: name, kind: 'failed', reason: `${(err as Error).message}${detail}` };
  }
}

/** `[#####-----] 3/10 name`, cut to the terminal's width. */
function bar(done: number, total: number, name: string, columns: number): string {
  const width = 24;
  const filled = total === 0 ? width : Math.round((done / total) * width);
  const line = `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${done}/${total} ${name}`;
  return line.length > columns - 1 ? line.slice(0, columns - 2) + '…' : line;
}

function describeOutcome(o: Outcome): string {
  switch (o.kind) {
    case 'created':
      return `imported  ${o.file} -> ${o.trackId} ${o.title}`;
    case 'duplicate':
      return `duplicate ${o.file} -> ${o.trackId} (already in the catalog)`;
    case 'failed':
      return `FAILED    ${o.file}: ${o.reason}`;
  }
}

/**
 * Uploads the folder one file at a time (the server ingests a few at once anyway, and one
 * upload at a time keeps the progress honest). Returns the exit status: 0 when every file
 * was imported or already there, 1 when any failed (each is named with its reason).
 */
export async function importCatalog(options: ImportOptions, io: ImportIo): Promise<number> {
  const server = options.server.replace(/\/+$/, '');
  if (!/^https?:\/\/[^/]+/.test(server)) {
    throw new ImportUsageError(`--server must be an http(s) URL, not "${options.server}"`);
  }
  const info = await stat(options.dir).catch(() => null);
  if (!info?.isDirectory()) throw new ImportUsageError(`${options.dir} is not a folder`);
  const files = await audioFilesIn(options.dir);
  if (files.length === 0) {
    io.stdout.write(`no audio files in ${options.dir}\n`);
    return 0;
  }

  let token: string;
  try {
    token = await login(server, options.username, options.password);
  } catch (err) {
    const cause = (err as Error).cause;
    io.stderr.write(
      `fleet-server: ${(err as Error).message}${cause instanceof Error ? `: ${cause.message}` : ''}\n`,
    );
    return 1;
  }

  const tty = io.stderr.isTTY === true;
  const columns = io.stderr.columns ?? 80;
  const outcomes: Outcome[] = [];
  for (const [i, name] of files.entries()) {
    if (tty) io.stderr.write(`\r\x1b[2K${bar(i, files.length, name, columns)}`);
    const outcome = await uploadOne(server, token, options.dir, name);
    outcomes.push(outcome);
    if (tty) {
      // Failures stay on screen above the bar; the bar moves on.
      if (outcome.kind === 'failed') io.stderr.write(`\r\x1b[2K${describeOutcome(outcome)}\n`);
    } else {
      io.stderr.write(`[${i + 1}/${files.length}] ${describeOutcome(outcome)}\n`);
    }
  }
  if (tty) io.stderr.write(`\r\x1b[2K${bar(files.length, files.length, 'done', columns)}\n`);

  await fetch(`${server}/api/v1/auth/logout`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
  }).catch(() => undefined);

  const count = (kind: Outcome['kind']) => outcomes.filter((o) => o.kind === kind).length;
  const failed = outcomes.filter((o) => o.kind === 'failed');
  io.stdout.write(
    `${files.length} files: ${count('created')} imported, ${count('duplicate')} already in the ` +
      `catalog, ${failed.length} failed\n`,
  );
  for (const f of failed)
    io.stdout.write(`  failed: ${f.file}: ${f.kind === 'failed' ? f.reason : ''}\n`);
  return failed.length > 0 ? 1 : 0;
}

/** The first line of stdin (the password, when no variable names it). */
export async function firstLineOfStdin(): Promise<string> {
  let text = '';
  for await (const chunk of process.stdin) {
    text += String(chunk);
    if (text.includes('\n')) break;
  }
  return text.split(/\r?\n/)[0] ?? '';
}

/**
 * `catalog import DIR --server URL --username NAME [--password-env VAR]` as the CLI calls it:
 * checks the arguments, reads the password, runs the import. Returns the exit status.
 */
export async function catalogCommand(
  args: string[],
  values: {
    server?: string | undefined;
    username?: string | undefined;
    'password-env'?: string | undefined;
  },
  io: ImportIo = { stderr: process.stderr, stdout: process.stdout },
): Promise<number> {
  try {
    const [sub, dir, ...rest] = args;
    if (sub !== 'import')
      throw new ImportUsageError(`unknown command "catalog ${sub ?? ''}"; see --help`);
    if (!dir || rest.length > 0)
      throw new ImportUsageError('usage: catalog import DIR --server URL --username NAME');
    if (!values.server) throw new ImportUsageError('--server URL is required');
    if (!values.username) throw new ImportUsageError('--username NAME is required');
    let password: string;
    const variable = values['password-env'];
    if (variable) {
      const value = process.env[variable];
      if (value === undefined) throw new ImportUsageError(`--password-env: ${variable} is not set`);
      password = value;
    } else {
      if (process.stdin.isTTY) io.stderr.write('Password (shown as typed): ');
      password = await firstLineOfStdin();
    }
    return await importCatalog(
      { dir, server: values.server, username: values.username, password },
      io,
    );
  } catch (err) {
    if (!(err instanceof ImportUsageError)) throw err;
    io.stderr.write(`fleet-server: ${err.message}\n`);
    return 2;
  }
}
