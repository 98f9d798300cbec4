/**
 * Copies files into a new upload folder of `studio serve` (electron/transport/uploads.ts) and
 * returns that folder's path for `imports.start`. Used only in a browser: the desktop app hands
 * the backend the files' own paths.
 */
import type { PickedFile } from './import-sources';

/** Files in flight at once: enough to keep the connection busy with many small files. */
const PARALLEL = 4;

export class UploadError extends Error {}

function reason(status: number, body: string): string {
  try {
    const parsed = JSON.parse(body) as { message?: unknown };
    if (typeof parsed.message === 'string') return parsed.message;
  } catch {
    // Not our JSON (a proxy's page): fall through to the status.
  }
  return `the server answered ${status}`;
}

function put(url: string, file: File, onSent: (bytes: number) => void, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    // XMLHttpRequest, not fetch: only it reports how far an upload has got.
    const xhr = new XMLHttpRequest();
    xhr.open('PUT', url);
    xhr.upload.onprogress = (e) => onSent(e.loaded);
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) {
        onSent(file.size);
        resolve();
      } else reject(new UploadError(reason(xhr.status, xhr.responseText)));
    };
    xhr.onerror = () => reject(new UploadError('the connection to the app dropped'));
    xhr.onabort = () => reject(new DOMException('Upload cancelled', 'AbortError'));
    signal.addEventListener('abort', () => xhr.abort(), { once: true });
    xhr.send(file);
  });
}

export interface UploadProgress {
  sentBytes: number;
  totalBytes: number;
  filesDone: number;
  filesTotal: number;
}

export interface Upload {
  id: string;
  /** The folder on the server that holds the files, for `imports.start`. */
  path: string;
}

/** Removes an upload nothing will import (best effort: the server also tidies abandoned ones). */
export function discardUpload(id: string): void {
  void fetch(`/uploads/${encodeURIComponent(id)}`, { method: 'DELETE' }).catch(() => {});
}

/** Resolves to the upload folder on the server; on failure or abort the partial upload is removed. */
export async function uploadFiles(files: readonly PickedFile[], onProgress: (p: UploadProgress) => void, signal: AbortSignal): Promise<Upload> {
  const created = await fetch('/uploads', { method: 'POST', signal });
  if (!created.ok) throw new UploadError(`Could not start the upload: ${reason(created.status, await created.text())}`);
  const upload = (await created.json()) as Upload;

  const totalBytes = files.reduce((n, f) => n + f.file.size, 0);
  const sent = new Map<number, number>();
  let filesDone = 0;
  const report = () => {
    let sentBytes = 0;
    for (const n of sent.values()) sentBytes += n;
    onProgress({ sentBytes, totalBytes, filesDone, filesTotal: files.length });
  };
  report();

  // One failed file stops the others: the upload as a whole has failed.
  const stop = new AbortController();
  const abort = () => stop.abort();
  signal.addEventListener('abort', abort, { once: true });
  let next = 0;
  const worker = async () => {
    while (next < files.length) {
      stop.signal.throwIfAborted();
      const index = next++;
      const { file, path: relative } = files[index]!;
      const url = `/uploads/${upload.id}/${relative.split('/').map(encodeURIComponent).join('/')}`;
      try {
        await put(url, file, (bytes) => (sent.set(index, bytes), report()), stop.signal);
      } catch (error) {
        if (error instanceof UploadError) throw new UploadError(`${relative}: ${error.message}`);
        throw error;
      }
      filesDone++;
      report();
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(PARALLEL, files.length) }, worker));
  } catch (error) {
    stop.abort();
    // Nothing imports a half upload: give its space back.
    discardUpload(upload.id);
    throw signal.aborted ? new DOMException('Upload cancelled', 'AbortError') : error;
  } finally {
    signal.removeEventListener('abort', abort);
  }
  return upload;
}
