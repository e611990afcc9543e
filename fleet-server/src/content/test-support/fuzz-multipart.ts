import fc from 'fast-check';
import type { Expectation } from '../../test-support/fuzz-cases.js';
import type { Operation } from '../../test-support/openapi.js';

/*
 * Malformed multipart/form-data for the upload routes, which the OpenAPI-driven harness
 * (test-support/fuzz*.ts) cannot express: it sends JSON and text bodies, and these routes
 * take files. Which routes: every operation whose description says multipart/form-data, so a
 * new upload route is covered as soon as it is documented.
 */

export interface MultipartCase {
  name: string;
  contentType: string;
  body: Buffer;
  expect: Expectation;
}

const B = 'fuzzBoundary7MA4YWxkTrZu0gW';
const CRLF = '\r\n';

/** A well-formed part. */
function part(name: string, value: string | Buffer, filename?: string): Buffer {
  const head =
    `--${B}${CRLF}Content-Disposition: form-data; name="${name}"` +
    (filename === undefined ? '' : `; filename="${filename}"`) +
    CRLF +
    (filename === undefined ? '' : `Content-Type: application/octet-stream${CRLF}`) +
    CRLF;
  return Buffer.concat([Buffer.from(head), Buffer.from(value), Buffer.from(CRLF)]);
}

const end = Buffer.from(`--${B}--${CRLF}`);
const form = (...parts: Buffer[]) => Buffer.concat([...parts, end]);
const ok = `multipart/form-data; boundary=${B}`;

/** True for operations documented as taking multipart/form-data. */
export function takesMultipart(operation: Operation): boolean {
  return (operation.op.description ?? '').includes('multipart/form-data');
}

/**
 * The malformed bodies. `fileParts` are the file part names the route takes (the first is the
 * required one); the cases never carry a valid file, so each must be refused with a 4xx.
 */
export function multipartCases(fileParts: readonly string[], seed: number): MultipartCase[] {
  const main = fileParts[0] ?? 'file';
  const cases: MultipartCase[] = [
    {
      name: 'no boundary parameter',
      contentType: 'multipart/form-data',
      body: form(part('x', 'y')),
      expect: 'client-error',
    },
    {
      name: 'empty boundary',
      contentType: 'multipart/form-data; boundary=',
      body: form(part('x', 'y')),
      expect: 'client-error',
    },
    {
      name: 'other boundary in the body',
      contentType: 'multipart/form-data; boundary=elsewhere',
      body: form(part(main, 'abc', 'a.mp3')),
      expect: 'client-error',
    },
    { name: 'empty body', contentType: ok, body: Buffer.alloc(0), expect: 'client-error' },
    { name: 'only the closing boundary', contentType: ok, body: end, expect: 'client-error' },
    {
      name: 'truncated in a part',
      contentType: ok,
      body: part(main, 'ID3 and then nothing', 'a.mp3').subarray(0, 90),
      expect: 'client-error',
    },
    {
      name: 'no closing boundary',
      contentType: ok,
      body: part(main, 'ID3\u0004', 'a.mp3'),
      expect: 'client-error',
    },
    {
      name: 'part without Content-Disposition',
      contentType: ok,
      body: Buffer.concat([
        Buffer.from(`--${B}${CRLF}Content-Type: text/plain${CRLF}${CRLF}x${CRLF}`),
        end,
      ]),
      expect: 'client-error',
    },
    {
      name: 'huge part header',
      contentType: ok,
      body: Buffer.concat([
        Buffer.from(
          `--${B}${CRLF}Content-Disposition: form-data; name="${'n'.repeat(100_000)}"${CRLF}${CRLF}x${CRLF}`,
        ),
        end,
      ]),
      expect: 'client-error',
    },
    {
      name: 'the file part sent as text',
      contentType: ok,
      body: form(part(main, 'not a file')),
      expect: 'client-error',
    },
    {
      name: 'a text part sent as a file',
      contentType: ok,
      body: form(part('name', 'x', 'name.txt')),
      expect: 'client-error',
    },
    {
      name: 'the file part twice',
      contentType: ok,
      body: form(part(main, 'ab', 'a.bin'), part(main, 'cd', 'b.bin')),
      expect: 'client-error',
    },
    {
      name: 'an unknown file part',
      contentType: ok,
      body: form(part('zz_unknown', 'x', 'x.bin')),
      expect: 'client-error',
    },
    {
      name: 'an unknown text part',
      contentType: ok,
      body: form(part('zz_unknown', 'x')),
      expect: 'client-error',
    },
    {
      name: '__proto__ as a part name',
      contentType: ok,
      body: form(part('__proto__', '{"isAdmin":true}')),
      expect: 'client-error',
    },
    {
      name: 'a thousand parts',
      contentType: ok,
      body: form(...Array.from({ length: 1000 }, (_, i) => part(`p${i}`, 'x'))),
      expect: 'client-error',
    },
    {
      name: 'an empty file',
      contentType: ok,
      body: form(part(main, '', 'empty.bin')),
      expect: 'client-error',
    },
    {
      name: 'a file that is text',
      contentType: ok,
      body: form(part(main, 'hello '.repeat(100), 'a.mp3')),
      expect: 'client-error',
    },
    {
      name: 'a path in the file name',
      contentType: ok,
      body: form(part(main, 'hello '.repeat(100), '../../../etc/passwd')),
      expect: 'client-error',
    },
    {
      name: 'binary garbage',
      contentType: ok,
      body: Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)),
      expect: 'client-error',
    },
    {
      name: 'multipart/mixed',
      contentType: `multipart/mixed; boundary=${B}`,
      body: form(part(main, 'x', 'a.bin')),
      expect: 'client-error',
    },
    {
      name: 'a JSON body',
      contentType: 'application/json',
      body: Buffer.from(`{"${main}":"x"}`),
      expect: 'client-error',
    },
  ];
  for (const bytes of fc.sample(fc.uint8Array({ minLength: 0, maxLength: 2048 }), {
    seed,
    numRuns: 6,
  })) {
    cases.push({
      name: 'random bytes',
      contentType: ok,
      body: Buffer.from(bytes),
      expect: 'client-error',
    });
  }
  for (const text of fc.sample(fc.string({ maxLength: 200 }), { seed: seed + 1, numRuns: 6 })) {
    cases.push({
      name: 'random file content',
      contentType: ok,
      body: form(part(main, text, 'r.bin')),
      expect: 'client-error',
    });
  }
  return cases;
}
