// exports.start refuses, before a job starts, a target the export could not write or that the
// user did not choose: each refusal names the input and the problem, and writes nothing.
import fs from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import type { Datanet } from '../../shared/api/schemas/datanets';
import { call, SENTIMENT, testBackend } from '../fixtures/datanet-backend';
import { tempDir } from '../fixtures/temp-dir';

it('refuses a relative path, a folder for a file, a file for a folder, and a path through a file', async () => {
  const b = testBackend();
  const d = await call<Datanet>(b, 'datanets.create', { name: 'D', license: 'MIT', schema: SENTIMENT });
  const dir = tempDir('studio-export-target-');
  const file = path.join(dir, 'a-file.txt');
  fs.writeFileSync(file, 'keep me');
  const start = (format: string, out: string) => call(b, 'exports.start', { datanet: d.id, format, out });
  const cases: [string, string, RegExp][] = [
    ['jsonl', 'relative/out.jsonl', /"field":"out".*is not an absolute path; give the full path of the file/],
    ['hf', 'hf-folder', /"field":"out".*is not an absolute path; give the full path of the folder/],
    ['jsonl', dir, /"field":"out".*is a folder; jsonl export writes a file/],
    ['hf', file, /"field":"out".*is a file; the Hugging Face export writes a folder/],
    ['csv', path.join(file, 'deeper', 'out.csv'), /"field":"out".*cannot be made: .*a-file\.txt is a file, not a folder/],
  ];
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
