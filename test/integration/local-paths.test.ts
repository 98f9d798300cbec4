// Paths the API takes are full paths on the backend's machine: a relative one is refused by name
// (the CLI resolves its user's against the shell's folder), and exports.start refuses, before a
// job starts, a target it could not write. Each refusal names the input and writes nothing.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import type { Datanet } from '../../shared/api/schemas/datanets';
import { call, SENTIMENT, testBackend } from '../fixtures/datanet-backend';
import { EXIT_USAGE } from '../../electron/cli/errors';
import { runStudio, STUDIO_BIN } from '../fixtures/studio-cli';
import { tempDir } from '../fixtures/temp-dir';

it('refuses a relative path, a folder for a file, a file for a folder, and a path through a file', async () => {
  const b = testBackend();
  const d = await call<Datanet>(b, 'datanets.create', { name: 'D', license: 'MIT', schema: SENTIMENT });
  const dir = tempDir('studio-export-target-');
  const file = path.join(dir, 'a-file.txt');
  fs.writeFileSync(file, 'keep me');
  const start = (format: string, out: string) => call(b, 'exports.start', { datanet: d.id, format, out });
  const cases: [string, string, RegExp][] = [
    ['jsonl', 'relative/out.jsonl', /"out must be a full path.*"field":"out"/],
    ['hf', 'hf-folder', /"out must be a full path.*"field":"out"/],
    ['jsonl', dir, /"field":"out".*is a folder; jsonl export writes a file/],
    ['hf', file, /"field":"out".*is a file; the Hugging Face export writes a folder/],
    ['csv', path.join(file, 'deeper', 'out.csv'), /"field":"out".*cannot be made: .*a-file\.txt is a file, not a folder/],
  ];
  // A folder the file system will not make: the path's error too, before any job (see the CLI test below).
  if (process.platform === 'linux') cases.push(['jsonl', '/proc/nope/out.jsonl', /"field":"out".*Cannot make the folder \/proc\/nope: the file system refuses new folders there \(ENOENT\)\./]);
  for (const [format, out, refusal] of cases) await expect(start(format, out), `${format} ${out}`).rejects.toThrow(refusal);
  expect(b.jobs.list({ limit: 100 }).filter((j) => j.kind === 'datanet.export')).toEqual([]);
  expect(fs.readdirSync(dir)).toEqual(['a-file.txt']);
  expect(fs.readFileSync(file, 'utf8')).toBe('keep me');
  expect(fs.existsSync(path.resolve('relative'))).toBe(false);

  // A path whose folders do not exist yet is fine: they are made.
  const job = await call<{ id: string }>(b, 'exports.start', { datanet: d.id, format: 'jsonl', out: path.join(dir, 'new', 'deep', 'out.jsonl') });
  expect((await b.jobs.settled(job.id)).state).toBe('succeeded');
  expect(fs.existsSync(path.join(dir, 'new', 'deep', 'out.jsonl'))).toBe(true);
});

// Node's recursive mkdir never returns for a folder under /proc (mkdir keeps failing with ENOENT
// though /proc exists): on the backend's thread that hung every request, and SIGTERM with them. Run
// as the CLI, in a process of its own that is killed if it hangs, so a hang fails this test.
it.runIf(process.platform === 'linux')('refuses, at once, an export to a folder the file system will not make (/proc/nope)', async () => {
  const dir = tempDir('studio-export-proc-');
  const data = path.join(dir, 'data');
  expect((await runStudio(['--data-dir', data, 'datanet', 'create', 'D', '--schema', writeSchema(dir)])).code).toBe(0);
  const started = Date.now();
  const child = spawn(process.execPath, [STUDIO_BIN, '--data-dir', data, 'export', 'D', '--format', 'jsonl', '--out', '/proc/nope/out.jsonl']);
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
  clearTimeout(killer);
  expect(code, `${Date.now() - started} ms; ${stderr}`).toBe(EXIT_USAGE);
  // The path's problem (invalid_input of out, so the CLI's usage exit), naming the folder and why.
  expect(stderr).toContain('Cannot make the folder /proc/nope: the file system refuses new folders there (ENOENT).');
  expect(Date.now() - started).toBeLessThan(15_000);
}, 60_000);

it('refuses a relative path wherever the API takes one, and the CLI resolves its own', async () => {
  const b = testBackend();
  const d = await call<Datanet>(b, 'datanets.create', { name: 'D', license: 'MIT', schema: SENTIMENT });
  const refusals: [string, object, RegExp][] = [
    ['imports.start', { datanet: d.id, paths: ['/abs/ok', 'in/reviews.jsonl'] }, /paths\.1 must be a full path/],
    ['models.import', { path: 'models/tiny' }, /path must be a full path/],
    ['adapters.import', { path: 'adapters/a', base: 'tiny' }, /path must be a full path/],
    ['adapters.export', { name: 'a', path: 'out/a' }, /path must be a full path/],
    ['assist.models.import', { path: 'embedder' }, /path must be a full path/],
  ];
  for (const [name, input, refusal] of refusals) await expect(call(b, name, input), name).rejects.toThrow(refusal);
  // On this OS a drive-letter path is a file name in the working folder, so not a full path.
  if (process.platform !== 'win32') await expect(call(b, 'exports.start', { datanet: d.id, format: 'jsonl', out: 'C:\\data\\x.jsonl' })).rejects.toThrow(/out must be a full path/);
  await b.close();

  // `studio import D in` from the folder that holds `in`.
  const dir = tempDir('studio-cli-relative-');
  fs.mkdirSync(path.join(dir, 'in'));
  fs.writeFileSync(path.join(dir, 'in', 'a.txt'), 'A relative path, resolved by the CLI.');
  const data = path.join(dir, 'data');
  expect((await runStudio(['--data-dir', data, 'datanet', 'create', 'D', '--schema', writeSchema(dir)])).code).toBe(0);
  const run = await runStudio(['--data-dir', data, '--json', 'import', 'D', 'in'], {}, { cwd: dir });
  expect(run.code, run.stderr).toBe(0);
  expect((JSON.parse(run.stdout) as { import: { itemsAdded: number; paths: string[] } }).import).toMatchObject({ itemsAdded: 1, paths: [path.join(dir, 'in')] });
});

function writeSchema(dir: string): string {
  const file = path.join(dir, 'schema.json');
  fs.writeFileSync(file, JSON.stringify(SENTIMENT));
  return file;
}
