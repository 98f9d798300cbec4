// The Hugging Face hub's two endpoints a download needs (a repository's file tree with sizes and
// checksums, and a file's bytes), with Range resume and a checksum check per file. Kind-agnostic:
// which files to fetch is the FolderKind's decision (download-job.ts).
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { notFound, unavailable, type ApiFailure } from '../../../shared/api/errors';

/** Where models come from: Hugging Face's hub, or a mirror named the way huggingface_hub names it. */
export function hubUrl(): string {
  return (process.env.HF_ENDPOINT ?? 'https://huggingface.co').replace(/\/+$/, '');
}

/** A hub and what to tell the user when it cannot be reached. */
export interface Hub {
  url: string;
  /** The way out when offline, e.g. "download the model folder elsewhere and import it in Settings → Assist." */
  offlineHint: string;
  /** An access token for gated or private repositories (huggingface_hub's HF_TOKEN). */
  token?: string | undefined;
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

const host = (hub: Hub) => new URL(hub.url).host;

/** A network failure (the machine is offline, the host is unknown), worded as what to do. */
function unreachable(hub: Hub, error: unknown): ApiFailure {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  const why = cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
  return unavailable(`Could not reach ${host(hub)} (${why}). Check that this machine is online, or ${hub.offlineHint}`);
}

async function get(hub: Hub, url: string, signal: AbortSignal, headers: Record<string, string> = {}): Promise<Response> {
  try {
    return await fetch(url, { signal, headers: { ...headers, ...(hub.token ? { authorization: `Bearer ${hub.token}` } : {}) }, redirect: 'follow' });
  } catch (error) {
    if (signal.aborted) throw error;
    throw unreachable(hub, error);
  }
}

/** 401/403: a gated model (Llama's licence) or a private one. */
function refused(hub: Hub, repo: string, status: number): ApiFailure {
  return unavailable(
    `${host(hub)} refused access to ${repo} (${status}): it is gated or private. Accept its licence on the model's page, then set HF_TOKEN to an access token of that account${hub.token ? ' (the one set was refused)' : ''}.`,
  );
}

async function listFolder(hub: Hub, repo: string, revision: string, folder: string, signal: AbortSignal): Promise<TreeEntry[]> {
  const url = `${hub.url}/api/models/${repo}/tree/${encodeURIComponent(revision)}${folder ? `/${folder}` : ''}`;
  const response = await get(hub, url, signal);
  if (response.status === 404) {
    if (folder) return [];
    throw notFound(`There is no model repository ${repo} at revision ${revision} on ${host(hub)}.`);
  }
  if (response.status === 401 || response.status === 403) throw refused(hub, repo, response.status);
  if (!response.ok) throw unavailable(`${host(hub)} answered ${response.status} when listing ${repo}; try again later.`);
  return (await response.json()) as TreeEntry[];
}

/** The files at the top of a repository and in `folders`, by path, with their sizes and checksums. */
export async function listRepoFiles(hub: Hub, repo: string, revision: string, folders: readonly string[], signal: AbortSignal): Promise<Map<string, HubFile>> {
  const entries: TreeEntry[] = [];
  for (const folder of ['', ...folders]) entries.push(...(await listFolder(hub, repo, revision, folder, signal)));
  return new Map(
    entries
      .filter((e) => e.type === 'file')
      .map((e) => [e.path, { path: e.path, size: e.lfs?.size ?? e.size ?? 0, sha256: e.lfs?.oid ?? null, gitOid: e.lfs ? null : (e.oid ?? null) }]),
  );
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
  hub: Hub;
  repo: string;
  revision: string;
  files: readonly HubFile[];
  /** The staging folder; partial files (`<path>.part`) stay here between attempts and jobs. */
  dir: string;
  signal: AbortSignal;
  /** Bytes of `files` done so far (finished files and the current one's part), out of their total. */
  onProgress(done: number, total: number, file: string): void;
  /** Tries per file when the connection drops; each try resumes where the last one stopped. */
  attempts?: number;
}

/** Whether a file of the repository is already in the staging folder in full (its checksum passed before it took its name). */
export function isDownloaded(dir: string, file: HubFile): boolean {
  return fs.statSync(path.join(dir, file.path), { throwIfNoEntry: false })?.size === file.size;
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
    if (isDownloaded(options.dir, file)) {
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
  const { hub } = options;
  const url = `${hub.url}/${options.repo}/resolve/${encodeURIComponent(options.revision)}/${file.path}`;
  const attempts = options.attempts ?? 3;
  for (let attempt = 1; ; attempt++) {
    let have = fs.statSync(part, { throwIfNoEntry: false })?.size ?? 0;
    if (have > file.size) {
      fs.rmSync(part);
      have = 0;
    }
    if (have === file.size) return;
    const response = await get(hub, url, options.signal, have > 0 ? { Range: `bytes=${have}-` } : {});
    if (response.status === 404) throw notFound(`${options.repo} has no ${file.path} at revision ${options.revision}.`);
    if (response.status === 401 || response.status === 403) throw refused(hub, options.repo, response.status);
    if (response.status !== 200 && response.status !== 206) {
      throw unavailable(`${host(hub)} answered ${response.status} for ${file.path}; try again later.`);
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
