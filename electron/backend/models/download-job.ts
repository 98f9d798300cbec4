import fs from 'node:fs';
import path from 'node:path';
import { ApiFailure, conflict } from '../../../shared/api/errors';
import type { Job } from '../../../shared/api/schemas/jobs';
import type { JobRunner } from '../jobs/runner';
import type { FolderStore, FolderView } from './folder-store';
import { downloadFiles, isDownloaded, listRepoFiles, type Hub, type HubFile } from './hub';

/** Names what a staging folder is downloading, so a different repo or revision never resumes into it. */
const MARKER = '.studio-download';
/** Rounds of "read the files that decide, then ask again" (a sharded checkpoint needs one: its index). */
const MAX_ROUNDS = 4;

export interface HubDownloadInput {
  repo: string;
  revision: string;
  name?: string | undefined;
}

export interface HubDownload {
  /** Where the model is installed; its FolderKind decides which of the repository's files it needs. */
  store: FolderStore;
  /** The job's kind, e.g. "models.download". */
  jobKind: string;
  hub: Hub;
  /** The error for a repository that lacks what the kind needs (`missing` as the kind names it). */
  lacks(repo: string, missing: readonly string[]): string;
  /** Checks the finished staging folder (e.g. that it loads) and installs it under `name`. */
  install(staging: string, name: string, source: string): Promise<unknown>;
}

/** Staging folder → running job: a second start of the same download joins the first (two would write the same part files). */
const running = new Map<string, string>();

/**
 * Downloads a model repository from the hub as a job (progress in bytes), into a staging folder
 * that survives a failed, cancelled or interrupted job: starting the same download again resumes
 * its partial files. Only the files the store's FolderKind names are fetched: the kind is asked
 * about the repository's listing, and where its answer depends on a file's content (a sharded
 * checkpoint's index names the shards) that file is fetched first and the kind asked again. A
 * repository that lacks a required file fails before any large file is fetched. Installed once
 * every file passed its checksum and `install` accepts the folder.
 */
export function startHubDownload(jobs: JobRunner, d: HubDownload, input: HubDownloadInput): Job {
  const name = input.name ?? input.repo.split('/')[1] ?? input.repo;
  d.store.claim(name);
  const staging = path.join(d.store.partialDir, `hf-${name}`);
  const what = `${input.repo}@${input.revision}`;
  const marker = path.join(staging, MARKER);
  const already = running.get(staging);
  if (already && jobs.get(already).state === 'running') {
    const other = fs.existsSync(marker) ? fs.readFileSync(marker, 'utf8') : what;
    if (other === what) return jobs.get(already);
    throw conflict(`${other} is being downloaded as ${name}; wait for it or cancel it, or download ${what} under another name.`);
  }
  if (fs.existsSync(marker) && fs.readFileSync(marker, 'utf8') !== what) fs.rmSync(staging, { recursive: true, force: true });
  fs.mkdirSync(staging, { recursive: true });
  fs.writeFileSync(marker, what);

  const job = jobs.start({ kind: d.jobKind, title: `Download ${input.repo}`, unit: 'bytes' }, async (job) => {
    try {
      const listing = await listRepoFiles(d.hub, input.repo, input.revision, d.store.kind.folders ?? [], job.signal);
      const fetch = (files: HubFile[], onProgress: (done: number, total: number, file: string) => void) =>
        downloadFiles({ hub: d.hub, repo: input.repo, revision: input.revision, files, dir: staging, signal: job.signal, onProgress });

      let wanted: HubFile[] = [];
      for (let round = 0; ; round++) {
        const blocked = new Set<string>();
        const view: FolderView = {
          has: (p) => listing.has(p),
          read: (p) => {
            const file = listing.get(p);
            if (!file) return null;
            if (isDownloaded(staging, file)) return fs.readFileSync(path.join(staging, p), 'utf8');
            blocked.add(p);
            return null;
          },
        };
        const { copy, missing } = d.store.kind.files(view);
        if (blocked.size === 0) {
          if (missing.length > 0) throw new ApiFailure({ code: 'invalid_input', field: 'repo', message: d.lacks(input.repo, missing) });
          // Plain git files (configs, tokenizers) before the LFS weights: a problem with them shows before the gigabytes.
          wanted = copy.map((p) => listing.get(p)!).sort((a, b) => Number(a.sha256 !== null) - Number(b.sha256 !== null));
          break;
        }
        if (round + 1 >= MAX_ROUNDS) throw new Error(`${input.repo}: which files to fetch was still undecided after ${MAX_ROUNDS} rounds (${[...blocked].join(', ')})`);
        job.progress({ done: 0, detail: [...blocked].join(', ') });
        await fetch([...blocked].map((p) => listing.get(p)!), () => {});
      }

      const total = wanted.reduce((s, f) => s + f.size, 0);
      job.progress({ done: 0, total });
      await fetch(wanted, (done, all, file) => job.progress({ done, total: all, detail: file }));
      // Files fetched only to decide (none so far: an index is also copied) would otherwise be installed too.
      const keep = new Set([MARKER, ...wanted.map((f) => f.path)]);
      for (const f of listing.keys()) if (!keep.has(f)) fs.rmSync(path.join(staging, f), { force: true });
      fs.rmSync(marker);
      await d.install(staging, name, `hf:${what}`);
      return `installed ${name} from ${what}`;
    } finally {
      if (running.get(staging) === job.id) running.delete(staging);
    }
  });
  running.set(staging, job.id);
  return job;
}
