import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Datanet, ImportError, ImportRecord } from '../../shared/api/schemas/datanets';
import type { Job } from '../../shared/api/schemas/jobs';
import { startServer } from '../../electron/server';
import { serveApp, type ServedApp } from '../fixtures/served-app';

const CAP = 64 * 1024;
let app: ServedApp;

beforeAll(async () => {
  app = await serveApp({ maxUploadBytes: CAP });
});
afterAll(() => app.close());

const auth = () => ({ authorization: `Bearer ${app.server.token}` });
const base = () => app.server.url.replace(/\/$/, '');

async function newUpload(): Promise<{ id: string; path: string }> {
  const res = await fetch(`${base()}/uploads`, { method: 'POST', headers: auth() });
  expect(res.status).toBe(201);
  return (await res.json()) as { id: string; path: string };
}

async function put(id: string, relative: string, body: string | Uint8Array, headers: Record<string, string> = {}) {
  const encoded = relative.split('/').map(encodeURIComponent).join('/');
  return fetch(`${base()}/uploads/${id}/${encoded}`, { method: 'PUT', headers: { ...auth(), ...headers }, body });
}

/** A request with its path exactly as written: fetch would normalize `..` and `//` away before sending. */
function raw(method: string, rawPath: string, body = '', headers: Record<string, string> = {}): Promise<{ status: number; json: { code?: string; message?: string } }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port: app.server.port, method, path: rawPath, headers: { ...auth(), 'content-length': Buffer.byteLength(body), ...headers } },
      (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, json: text ? (JSON.parse(text) as { code?: string }) : {} }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('uploads (server mode)', () => {
  it('hands out a fresh folder in the data folder and writes files at their relative paths', async () => {
    const up = await newUpload();
    expect(up.id).toMatch(/^up_[0-9a-f]{32}$/);
    expect(up.path).toBe(path.join(app.dataDir, 'uploads', up.id));
    expect(fs.statSync(up.path).isDirectory()).toBe(true);
    const res = await put(up.id, 'photos/2024/a b é.txt', 'hello');
    expect(res.status).toBe(201);
    expect(await res.json()).toEqual({ path: 'photos/2024/a b é.txt', bytes: 5 });
    expect(fs.readFileSync(path.join(up.path, 'photos', '2024', 'a b é.txt'), 'utf8')).toBe('hello');
    // Sent again: replaced whole, and no temporary file is left behind.
    expect((await put(up.id, 'photos/2024/a b é.txt', 'hello again')).status).toBe(201);
    expect(fs.readFileSync(path.join(up.path, 'photos', '2024', 'a b é.txt'), 'utf8')).toBe('hello again');
    expect(fs.readdirSync(up.path)).toEqual(['photos']);
  });

  it('refuses paths that would leave the upload folder or are not plain relative names', async () => {
    const up = await newUpload();
    const cases: [string, string][] = [
      ['..', `/uploads/${up.id}/../escape.txt`],
      ['.. encoded', `/uploads/${up.id}/a/%2E%2E/%2E%2E/escape.txt`],
      ['.. as an encoded whole', `/uploads/${up.id}/..%2F..%2Fescape.txt`],
      ['absolute', `/uploads/${up.id}//etc/passwd`],
      ['absolute encoded', `/uploads/${up.id}/%2Fetc%2Fpasswd`],
      ['NUL', `/uploads/${up.id}/a%00b.txt`],
      ['backslash', `/uploads/${up.id}/a%5C..%5Cb.txt`],
      ['drive letter', `/uploads/${up.id}/C:%2Fwindows.txt`],
      ['empty', `/uploads/${up.id}/`],
      ['name too long', `/uploads/${up.id}/${'x'.repeat(256)}.txt`],
      ['path too long', `/uploads/${up.id}/${Array.from({ length: 120 }, () => 'abcdefghi').join('/')}`],
    ];
    for (const [what, p] of cases) {
      const res = await raw('PUT', p, 'bad');
      expect(res.status, what).toBe(400);
      expect(res.json.code, what).toBe('invalid_path');
      expect(res.json.message, what).toBeTruthy();
    }
    expect(fs.readdirSync(up.path)).toEqual([]);
    expect(fs.existsSync(path.join(app.dataDir, 'uploads', 'escape.txt'))).toBe(false);
    expect(fs.existsSync(path.join(app.dataDir, 'escape.txt'))).toBe(false);
  });

  it('refuses an upload id it did not hand out, a malformed one, and a folder that exists but is not its own', async () => {
    const missing = await raw('PUT', `/uploads/up_${'0'.repeat(32)}/a.txt`, 'x');
    expect(missing).toMatchObject({ status: 404, json: { code: 'unknown_upload' } });
    const malformed = await raw('PUT', `/uploads/nope/a.txt`, 'x');
    expect(malformed).toMatchObject({ status: 400, json: { code: 'invalid_upload' } });
    const foreign = `up_${'f'.repeat(32)}`;
    fs.mkdirSync(path.join(app.dataDir, 'uploads', foreign), { recursive: true });
    expect(await raw('PUT', `/uploads/${foreign}/a.txt`, 'x')).toMatchObject({ status: 404, json: { code: 'unknown_upload' } });
    expect(fs.readdirSync(path.join(app.dataDir, 'uploads', foreign))).toEqual([]);
  });

  it('refuses requests without the token and writes from a page of another origin', async () => {
    const up = await newUpload();
    const noToken = await fetch(`${base()}/uploads/${up.id}/a.txt`, { method: 'PUT', body: 'x' });
    expect(noToken.status).toBe(401);
    expect((await fetch(`${base()}/uploads`, { method: 'POST' })).status).toBe(401);
    const evil = await put(up.id, 'a.txt', 'x', { origin: 'http://evil.example' });
    expect(evil.status).toBe(403);
    expect(await evil.json()).toMatchObject({ code: 'forbidden_origin' });
    const own = await put(up.id, 'a.txt', 'x', { origin: `http://127.0.0.1:${app.server.port}` });
    expect(own.status).toBe(201);
    expect(fs.readdirSync(up.path)).toEqual(['a.txt']);
  });

  it('caps the total size of one upload, by the declared length and by the bytes that actually arrive', async () => {
    const up = await newUpload();
    expect((await put(up.id, 'half.bin', new Uint8Array(CAP / 2))).status).toBe(201);
    const declared = await put(up.id, 'too-much.bin', new Uint8Array(CAP / 2 + 1));
    expect(declared.status).toBe(413);
    expect(await declared.json()).toMatchObject({ code: 'too_large' });
    // Chunked, with no length to check first: cut off when the count passes the cap.
    const streamed = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = http.request(
        { host: '127.0.0.1', port: app.server.port, method: 'PUT', path: `/uploads/${up.id}/streamed.bin`, headers: { ...auth(), 'transfer-encoding': 'chunked' } },
        (res) => {
          let body = '';
          res.on('data', (c: Buffer) => (body += c.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        },
      );
      req.on('error', reject);
      for (let i = 0; i < 8; i++) req.write(new Uint8Array(CAP / 8));
      req.end();
    });
    expect(streamed.status).toBe(413);
    expect(JSON.parse(streamed.body)).toMatchObject({ code: 'too_large' });
    expect(fs.readdirSync(up.path)).toEqual(['half.bin']);
    // What was refused does not count: the rest of the allowance is still there.
    expect((await put(up.id, 'quarter.bin', new Uint8Array(CAP / 4))).status).toBe(201);
  });

  it('refuses a file where the upload already has a folder, and the other way round', async () => {
    const up = await newUpload();
    expect((await put(up.id, 'a/b.txt', 'x')).status).toBe(201);
    expect(await raw('PUT', `/uploads/${up.id}/a`, 'x')).toMatchObject({ status: 409, json: { code: 'conflict' } });
    expect(await raw('PUT', `/uploads/${up.id}/a/b.txt/c.txt`, 'x')).toMatchObject({ status: 409, json: { code: 'conflict' } });
    expect(fs.readdirSync(up.path).filter((n) => n.startsWith('.'))).toEqual([]);
  });

  it('imports an upload: items and per-line problems by path, then removes the folder once the import is done', async () => {
    const d = await app.call<Datanet>('datanets.create', {
      name: 'Uploaded',
      license: 'MIT',
      schema: { fields: [{ kind: 'single_choice', name: 'sentiment', labels: ['positive', 'negative'] }] },
    });
    const up = await newUpload();
    expect((await put(up.id, 'good.jsonl', '{"text":"one"}\n{"text":"two"}\n')).status).toBe(201);
    expect((await put(up.id, 'nested/bad.jsonl', '{"text":"three"}\n{broken\n')).status).toBe(201);
    expect((await put(up.id, 'notes.txt', 'a plain text item')).status).toBe(201);
    const started = await app.call<{ import: ImportRecord; job: Job }>('imports.start', { datanet: d.id, paths: [up.path] });
    const job = await app.backend.jobs.settled(started.job.id);
    expect(job.state).toBe('succeeded');
    expect(app.backend.datanets.imports.get(started.import.id)).toMatchObject({ state: 'done', itemsAdded: 4, errors: 1 });
    const errors = await app.call<ImportError[]>('imports.errors', { import: started.import.id });
    expect(errors).toEqual([expect.objectContaining({ path: path.join(up.path, 'nested', 'bad.jsonl'), line: 2 })]);
    await expect.poll(() => fs.existsSync(up.path)).toBe(false);
    // The folder is gone, and so is the id.
    expect(await raw('PUT', `/uploads/${up.id}/late.txt`, 'x')).toMatchObject({ status: 404 });
  });

  it('keeps an upload while an import of it can still be resumed', async () => {
    const d = await app.call<Datanet>('datanets.create', {
      name: 'Kept',
      license: 'MIT',
      schema: { fields: [{ kind: 'free_text', name: 'note' }] },
    });
    const up = await newUpload();
    expect((await put(up.id, 'a.txt', 'text')).status).toBe(201);
    const imports = app.backend.datanets.imports;
    const record = imports.create(d.id, [up.path], { format: 'auto', map: {}, maxLineBytes: 1 << 20 });
    imports.finish(record.id, 'cancelled');
    const del = await raw('DELETE', `/uploads/${up.id}`);
    expect(del).toMatchObject({ status: 409, json: { code: 'in_use' } });
    expect(fs.existsSync(path.join(up.path, 'a.txt'))).toBe(true);
    imports.finish(record.id, 'done');
    expect((await raw('DELETE', `/uploads/${up.id}`)).status).toBe(204);
    expect(fs.existsSync(up.path)).toBe(false);
  });

  it('at start, tidies upload folders whose imports are done and ones abandoned for a day, and keeps the rest', async () => {
    const d = await app.call<Datanet>('datanets.create', {
      name: 'Tidy',
      license: 'MIT',
      schema: { fields: [{ kind: 'free_text', name: 'note' }] },
    });
    const root = path.join(app.dataDir, 'uploads');
    const dir = (name: string) => {
      const p = path.join(root, `up_${name.repeat(32)}`);
      fs.mkdirSync(p, { recursive: true });
      fs.writeFileSync(path.join(p, 'a.txt'), 'x');
      return p;
    };
    const [imported, resumable, fresh, abandoned] = [dir('1'), dir('2'), dir('3'), dir('4')];
    const imports = app.backend.datanets.imports;
    imports.finish(imports.create(d.id, [imported], { format: 'auto', map: {}, maxLineBytes: 1 << 20 }).id, 'done');
    imports.finish(imports.create(d.id, [resumable], { format: 'auto', map: {}, maxLineBytes: 1 << 20 }).id, 'interrupted');
    const twoDaysAgo = new Date(Date.now() - 48 * 3600 * 1000);
    fs.utimesSync(abandoned, twoDaysAgo, twoDaysAgo);
    // The sweep runs when a server starts on the data folder.
    const ui = fs.mkdtempSync(path.join(app.dataDir, 'ui-'));
    fs.writeFileSync(path.join(ui, 'index.html'), '<!doctype html>');
    const server = await startServer({ backend: app.backend, port: 0, rendererDir: ui });
    await server.close();
    expect(fs.existsSync(imported)).toBe(false);
    expect(fs.existsSync(abandoned)).toBe(false);
    expect(fs.existsSync(resumable)).toBe(true);
    expect(fs.existsSync(fresh)).toBe(true);
  });
});
