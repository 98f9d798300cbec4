/**
 * Uploads for server mode. A browser has no paths to hand the backend, so it copies the files it
 * was given into a folder of the data folder first (`POST /uploads`, then one `PUT` per file,
 * keeping each file's path relative to what was dropped), and then imports that folder with
 * `imports.start` like any other. The desktop app never uploads: it passes the files' own paths.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Backend } from '../backend';

/** The most one upload may hold unless the server is told otherwise. */
export const DEFAULT_MAX_UPLOAD_BYTES = 20 * 1024 ** 3;
const MAX_RELATIVE_PATH = 1024;
const MAX_SEGMENT_BYTES = 255;
const MAX_DEPTH = 64;
/** An upload no import ever used (the tab closed halfway) is removed at the next start after this. */
const ABANDONED_AFTER_MS = 24 * 3600 * 1000;
const UPLOAD_ID = /^up_[0-9a-f]{32}$/;

export interface UploadOptions {
  backend: Backend;
  maxBytes?: number | undefined;
  /** The server's check of the Origin header (a page of another site must not write here). */
  originAllowed(origin: string | undefined, host: string | undefined): boolean;
}

class UploadRefused extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** The path of a file inside an upload, as the browser gave it: plain relative segments only. */
export function checkRelativePath(relative: string): string[] {
  const bad = (why: string) => new UploadRefused(400, 'invalid_path', `${JSON.stringify(relative.slice(0, 200))} ${why}`);
  if (relative.length === 0) throw bad('is empty: name the file to write');
  if (relative.length > MAX_RELATIVE_PATH) throw bad(`is longer than ${MAX_RELATIVE_PATH} characters`);
  if (relative.includes('\0')) throw bad('contains a NUL character');
  // A backslash or a drive letter would be a separator or a root on Windows.
  if (relative.includes('\\') || /^[A-Za-z]:/.test(relative)) throw bad('must use / between folders and be relative');
  if (relative.startsWith('/')) throw bad('is absolute: it must be relative to the upload');
  const segments = relative.split('/');
  if (segments.length > MAX_DEPTH) throw bad(`is more than ${MAX_DEPTH} folders deep`);
  for (const segment of segments) {
    if (segment === '' || segment === '.' || segment === '..') throw bad('must not contain empty, "." or ".." parts');
    if (Buffer.byteLength(segment) > MAX_SEGMENT_BYTES) throw bad(`has a name longer than ${MAX_SEGMENT_BYTES} bytes`);
  }
  return segments;
}

function refuse(reply: FastifyReply, error: UploadRefused) {
  return reply.code(error.status).header('content-type', 'application/json; charset=utf-8').send({ code: error.code, message: error.message });
}

interface Upload {
  dir: string;
  /** Bytes written or being written, so concurrent PUTs share one cap. */
  bytes: number;
}

/** The imports that name `dir` among their paths, by state. */
function importStatesOf(backend: Backend, dir: string): string[] {
  // A read of the imports table: the datanet service has no lookup by path, and only uploads need one.
  return backend.datanets.db
    .prepare(`SELECT i.state FROM imports i, json_each(i.paths) p WHERE p.value = ?`)
    .pluck()
    .all(dir) as string[];
}

/** An upload folder goes once every import of it finished `done`; until then it can still be resumed. */
function removeIfImported(backend: Backend, dir: string): boolean {
  const states = importStatesOf(backend, dir);
  if (states.length === 0 || states.some((s) => s !== 'done')) return false;
  fs.rmSync(dir, { recursive: true, force: true });
  return true;
}

function sweep(backend: Backend, root: string, now = Date.now()): void {
  let names: string[];
  try {
    names = fs.readdirSync(root);
  } catch {
    return;
  }
  for (const name of names) {
    const dir = path.join(root, name);
    if (removeIfImported(backend, dir)) continue;
    try {
      const unused = importStatesOf(backend, dir).length === 0 && now - fs.statSync(dir).mtimeMs > ABANDONED_AFTER_MS;
      if (unused) fs.rmSync(dir, { recursive: true, force: true });
    } catch (error) {
      backend.log.warn(`Could not tidy the upload folder ${dir}: ${(error as Error).message}`);
    }
  }
}

/** `POST /uploads`, `PUT /uploads/<id>/<relative path>`, `DELETE /uploads/<id>`; behind the server's token and Host checks. */
export async function registerUploads(app: FastifyInstance, options: UploadOptions): Promise<void> {
  const { backend } = options;
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_UPLOAD_BYTES;
  const root = path.join(backend.dataDir, 'uploads');
  const uploads = new Map<string, Upload>();
  sweep(backend, root);

  const stopListening = backend.events.subscribe((name, payload) => {
    if (name !== 'job.updated') return;
    const job = payload as { kind: string; state: string; id: string };
    if (job.kind !== 'datanet.import' || job.state !== 'succeeded') return;
    const paths = backend.datanets.db.prepare('SELECT paths FROM imports WHERE job_id = ?').pluck().get(job.id) as string | undefined;
    for (const p of paths ? (JSON.parse(paths) as string[]) : []) {
      if (path.dirname(p) !== root) continue;
      if (removeIfImported(backend, p)) uploads.delete(path.basename(p));
    }
  });
  app.addHook('onClose', (_instance, done) => {
    stopListening();
    done();
  });

  const uploadOf = (id: string): Upload => {
    if (!UPLOAD_ID.test(id)) throw new UploadRefused(400, 'invalid_upload', `${JSON.stringify(id.slice(0, 80))} is not an upload id (up_…)`);
    const upload = uploads.get(id);
    // Ids this server did not hand out (another launch's, a guess) are refused even if the folder exists.
    if (!upload) throw new UploadRefused(404, 'unknown_upload', `No upload ${id} here: start a new one with POST /uploads.`);
    return upload;
  };

  await app.register((scope, _options, registered) => {
    // Bodies here are file bytes of any type: streamed by the handler, never parsed or buffered.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_request, _payload, done) => done(null, undefined));
    scope.addHook('preHandler', async (request, reply) => {
      const origin = request.headers.origin;
      if (origin !== undefined && !options.originAllowed(origin, request.headers.host)) {
        return refuse(reply, new UploadRefused(403, 'forbidden_origin', 'Uploads are accepted only from the app itself.'));
      }
    });

    scope.post('/uploads', async (_request, reply) => {
      const id = `up_${randomBytes(16).toString('hex')}`;
      const dir = path.join(root, id);
      fs.mkdirSync(dir, { recursive: true });
      uploads.set(id, { dir, bytes: 0 });
      return reply.code(201).send({ id, path: dir, maxBytes });
    });

    scope.put('/uploads/:id/*', async (request: FastifyRequest<{ Params: { id: string; '*': string } }>, reply) => {
      try {
        const upload = uploadOf(request.params.id);
        const segments = checkRelativePath(request.params['*']);
        const target = path.join(upload.dir, ...segments);
        const declared = Number(request.headers['content-length'] ?? 0);
        if (upload.bytes + declared > maxBytes) throw tooLarge(maxBytes);
        await writeAtomically(request, upload, target, maxBytes);
        return await reply.code(201).send({ path: segments.join('/'), bytes: fs.statSync(target).size });
      } catch (error) {
        if (error instanceof UploadRefused) return refuse(reply, error);
        backend.log.error(`An upload to ${request.params.id} failed`, error);
        return refuse(reply, new UploadRefused(500, 'internal', 'The file could not be written; the backend log has the details.'));
      }
    });

    scope.delete('/uploads/:id', async (request: FastifyRequest<{ Params: { id: string } }>, reply) => {
      try {
        const upload = uploadOf(request.params.id);
        if (importStatesOf(backend, upload.dir).some((s) => s !== 'done')) {
          throw new UploadRefused(409, 'in_use', 'An import of this upload can still be resumed; it is removed when that import is done.');
        }
        fs.rmSync(upload.dir, { recursive: true, force: true });
        uploads.delete(request.params.id);
        return await reply.code(204).send();
      } catch (error) {
        if (error instanceof UploadRefused) return refuse(reply, error);
        throw error;
      }
    });
    registered();
  });
}

const tooLarge = (maxBytes: number) =>
  new UploadRefused(413, 'too_large', `The upload would be larger than its limit of ${maxBytes} bytes; import fewer files at once.`);

/**
 * Streams the request body to a hidden temporary file in the upload folder (the import walk skips
 * hidden names), then renames it into place, so a file is either whole or absent.
 */
async function writeAtomically(request: FastifyRequest, upload: Upload, target: string, maxBytes: number): Promise<void> {
  const temp = path.join(upload.dir, `.part-${randomBytes(8).toString('hex')}`);
  // Counted by the transform below; an object so the checks after the pipeline see its writes.
  const tally = { written: 0, over: false };
  // Past the cap the rest of the body is read and dropped rather than cut off, so the client
  // still gets the 413 (a reset connection would only say "network error").
  const count = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      if (tally.over || upload.bytes + chunk.length > maxBytes) {
        tally.over = true;
        callback();
        return;
      }
      tally.written += chunk.length;
      upload.bytes += chunk.length;
      callback(null, chunk);
    },
  });
  try {
    await pipeline(request.raw, count, fs.createWriteStream(temp, { flags: 'wx' }));
    if (tally.over) throw tooLarge(maxBytes);
    const replaced = fs.statSync(target, { throwIfNoEntry: false });
    if (replaced?.isDirectory()) throw new UploadRefused(409, 'conflict', `${path.basename(target)} is already a folder in this upload.`);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.renameSync(temp, target);
    // A file sent again replaces the old one: its bytes no longer count.
    if (replaced) upload.bytes -= replaced.size;
  } catch (error) {
    upload.bytes -= tally.written;
    fs.rmSync(temp, { force: true });
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOTDIR' || code === 'EEXIST') throw new UploadRefused(409, 'conflict', 'A file of this upload is in the way of that path.');
    if (code === 'ENOSPC') throw new UploadRefused(507, 'disk_full', 'The disk is full: free some space, then upload again.');
    throw error;
  }
}
