import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ApiFailure, notFound, unavailable } from '../../../shared/api/errors';
import { OPTIONAL_FILES, REQUIRED_FILES } from './models';

/** Where models come from: Hugging Face's hub, or a mirror named the way huggingface_hub names it. */
export function hubUrl(): string {
  return (process.env.HF_ENDPOINT ?? 'https://huggingface.co').replace(/\/+$/, '');
}

/** One file of a repository at a revision, with what its bytes must hash to. */
export interface HubFile {
  path: string;
  size: number;
  /** LFS files: the sha-256 of the content. */
  sha256: string | null;
  /** Other files: git's blob id (sha-1 of "blob <size>\0" + content). */
  gitOid: string | null;
}

interface TreeEntry {
  type: string;
  path: string;
  size?: number;
  oid?: string;
  lfs?: { oid: string; size: number };
}

/** A network failure (the machine is offline, the host is unknown), worded as what to do. */
function unreachable(hub: string, error: unknown): ApiFailure {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  const why = cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
  return unavailable(
    `Could not reach ${new URL(hub).host} (${why}). Check that this machine is online, or download the model folder elsewhere and import it in Settings → Assist.`,
  );
}

async function get(hub: string, url: string, signal: AbortSignal, headers: Record<string, string> = {}): Promise<Response> {
  try {
    return await fetch(url, { signal, headers, redirect: 'follow' });
  } catch (error) {
    if (signal.aborted) throw error;
    throw unreachable(hub, error);
  }
}

async function listFolder(hub: string, repo: string, revision: string, folder: string, signal: AbortSignal): Promise<TreeEntry[]> {
  const url = `${hub}/api/models/${repo}/tree/${encodeURIComponent(revision)}${folder ? `/${folder}` : ''}`;
  const response = await get(hub, url, signal);
  if (response.status === 404) {
    if (folder) return [];
    throw notFound(`There is no model repository ${repo} at revision ${revision} on ${new URL(hub).host}.`);
  }
  if (!response.ok) throw unavailable(`${new URL(hub).host} answered ${response.status} when listing ${repo}; try again later.`);
  return (await response.json()) as TreeEntry[];
}

/** The files of a feature-extraction model in a hub repository, with their sizes and checksums. */
export async function listModelFiles(hub: string, repo: string, revision: string, signal: AbortSignal): Promise<HubFile[]> {
  const entries = [...(await listFolder(hub, repo, revision, '', signal)), ...(await listFolder(hub, repo, revision, 'onnx', signal))];
  const byPath = new Map(entries.filter((e) => e.type === 'file').map((e) => [e.path, e]));
  const missing = REQUIRED_FILES.filter((f) => !byPath.has(f));
  if (missing.length > 0) {
    throw new ApiFailure({
      code: 'invalid_input',
      field: 'repo',
      message: `${repo} has no ${missing.join(', ')}: assist needs a repository with ONNX weights and a tokenizer.json (for example Xenova/all-MiniLM-L6-v2).`,
    });
  }
  return [...REQUIRED_FILES, ...OPTIONAL_FILES].flatMap((p) => {
    const e = byPath.get(p);
    if (!e) return [];
    return [{ path: p, size: e.lfs?.size ?? e.size ?? 0, sha256: e.lfs?.oid ?? null, gitOid: e.lfs ? null : (e.oid ?? null) }];
  });
}

async function fileDigest(file: string, size: number, kind: 'sha256' | 'git'): Promise<string> {
  const hash = createHash(kind === 'sha256' ? 'sha256' : 'sha1');
  if (kind === 'git') hash.update(`blob ${size}\0`);
  for await (const chunk of fs.createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Checks a downloaded file against the hub's checksum; a mismatch deletes it (a retry starts clean). */
async function verify(file: string, hubFile: HubFile): Promise<void> {
  const size = fs.statSync(file).size;
  const [kind, expected] = hubFile.sha256 ? (['sha256', hubFile.sha256] as const) : hubFile.gitOid ? (['git', hubFile.gitOid] as const) : [null, null];
  const actual = kind ? await fileDigest(file, size, kind) : null;
  if (size !== hubFile.size || actual !== expected) {
    fs.rmSync(file, { force: true });
    const what = size !== hubFile.size ? `${size} bytes instead of ${hubFile.size}` : `${kind === 'sha256' ? 'sha256' : 'git blob id'} ${actual} instead of ${expected}`;
    throw new Error(`${hubFile.path} failed its checksum check (${what}); the file was deleted, start the download again.`);
  }
}

export interface DownloadOptions {
  hub: string;
  repo: string;
  revision: string;
  files: readonly HubFile[];
  /** The staging folder; partial files (`<path>.part`) stay here between attempts and jobs. */
  dir: string;
  signal: AbortSignal;
  onProgress(done: number, total: number, file: string): void;
  /** Tries per file when the connection drops; each try resumes where the last one stopped. */
  attempts?: number;
}

/**
 * Downloads each file into `dir`, resuming a partial file with an HTTP Range request, then checks
 * it against the hub's sha-256 (LFS) or git blob id before it takes its final name.
 */
export async function downloadFiles(options: DownloadOptions): Promise<void> {
  const total = options.files.reduce((s, f) => s + f.size, 0);
  let finished = 0;
  for (const file of options.files) {
    const target = path.join(options.dir, file.path);
    if (fs.statSync(target, { throwIfNoEntry: false })?.size === file.size) {
      finished += file.size;
      continue;
    }
    fs.mkdirSync(path.dirname(target), { recursive: true });
    const part = `${target}.part`;
    await fetchResumable(options, file, part, (have) => options.onProgress(finished + have, total, file.path));
    await verify(part, file);
    fs.renameSync(part, target);
    finished += file.size;
    options.onProgress(finished, total, file.path);
  }
}

async function fetchResumable(options: DownloadOptions, file: HubFile, part: string, onBytes: (have: number) => void): Promise<void> {
  const url = `${options.hub}/${options.repo}/resolve/${encodeURIComponent(options.revision)}/${file.path}`;
  const attempts = options.attempts ?? 3;
  for (let attempt = 1; ; attempt++) {
    let have = fs.statSync(part, { throwIfNoEntry: false })?.size ?? 0;
    if (have > file.size) {
      fs.rmSync(part);
      have = 0;
    }
    if (have === file.size) return;
    const response = await get(options.hub, url, options.signal, have > 0 ? { Range: `bytes=${have}-` } : {});
    if (response.status === 404) throw notFound(`${options.repo} has no ${file.path} at revision ${options.revision}.`);
    if (response.status !== 200 && response.status !== 206) {
      throw unavailable(`${new URL(options.hub).host} answered ${response.status} for ${file.path}; try again later.`);
    }
    // A server that ignores Range sends the whole file again: start over rather than append it.
    const append = response.status === 206 && have > 0;
    if (!append) have = 0;
    const out = fs.createWriteStream(part, { flags: append ? 'a' : 'w' });
    try {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        if (!out.write(chunk)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
        have += chunk.byteLength;
        onBytes(have);
      }
      await closeStream(out);
      if (have === file.size) return;
      throw new Error(`the connection closed after ${have} of ${file.size} bytes`);
    } catch (error) {
      await closeStream(out).catch(() => undefined);
      if (options.signal.aborted) throw error;
      if (attempt >= attempts) {
        const why = error instanceof Error ? error.message : String(error);
        throw unavailable(`Downloading ${file.path} stopped after ${attempts} tries (${why}). Start the download again: it resumes from ${have} bytes.`);
      }
    }
  }
}

function closeStream(out: fs.WriteStream): Promise<void> {
  return new Promise((resolve, reject) => {
    if (out.closed) return resolve();
    out.end((error?: Error | null) => (error ? reject(error) : resolve()));
  });
}
