/**
 * GGUF export from the app: models.exportGguf runs as a job with progress in bytes, refuses bad
 * requests before starting, and `studio export-gguf` writes a file llama.cpp loads and runs as
 * the engine does (a merged adapter, Q8_0), with --json and usage errors.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Job } from '../../shared/api/schemas/jobs';
import type { Adapter, LanguageModel } from '../../shared/api/schemas/models';
import { readGgufInfo } from '../../engine/gguf/reader';
import { writePeftAdapter } from '../../engine/lora-io/peft-files';
import { loadModelConfig } from '../../engine/models/config';
import { call, testBackend } from '../fixtures/datanet-backend';
import { runStudio } from '../fixtures/studio-cli';
import { tempDir } from '../fixtures/temp-dir';
import { cpuLlama, engineGreedy, ggufTinyModel, leastAmbiguousPrompt, llamaCppGreedy, randomAdapter, samePrefix } from './gguf-fixture';

describe('GGUF export from the app', () => {
  it('models.exportGguf: a job with progress in bytes; bad requests fail the call, naming the field', async () => {
    const dir = tempDir();
    const model = ggufTinyModel('gpt2');
    try {
      const b = testBackend();
      await call<LanguageModel>(b, 'models.import', { path: model.dir, name: 'tiny' });
      await writePeftAdapter(path.join(dir, 'ad'), randomAdapter(model.dir));
      await call<Adapter>(b, 'adapters.import', { path: path.join(dir, 'ad'), base: 'tiny', name: 'ad' });
      const updates: Job[] = [];
      b.events.subscribe((name, payload) => name === 'job.updated' && updates.push(payload as Job));

      const out = path.join(dir, 'tiny-adapter.gguf');
      const started = await call<Job>(b, 'models.exportGguf', { model: 'tiny', adapter: 'ad', type: 'f32', path: out });
      expect(started).toMatchObject({ kind: 'models.exportGguf', state: 'running', title: 'Export adapter ad to GGUF (f32)', progress: { unit: 'bytes' } });
      const job = await b.jobs.settled(started.id);
      expect(job).toMatchObject({ state: 'succeeded', result: out });
      const size = fs.statSync(out).size;
      expect(job.progress).toMatchObject({ done: size, total: size });
      expect(updates.some((u) => u.id === job.id && u.state === 'succeeded')).toBe(true);
      const info = await readGgufInfo(out);
      expect([info.metadata.get('general.type')?.value, info.metadata.get('general.name')?.value, info.tensors.length]).toEqual(['adapter', 'ad', 2 * 4 * 2]); // 2 layers × 4 linear layers × A and B

      const fails = (input: object) => call(b, 'models.exportGguf', { model: 'tiny', type: 'f16', path: path.join(dir, 'x.gguf'), ...input });
      await expect(fails({ merge: true })).rejects.toThrow(/"code":"invalid_input".*merge needs an adapter.*"field":"merge"/);
      await expect(fails({ path: out })).rejects.toThrow(/"code":"invalid_input","field":"path".*tiny-adapter.gguf exists; export to a new file/);
      await expect(fails({ path: path.join(dir, 'x.bin') })).rejects.toThrow(/"code":"invalid_input","field":"path".*must end in \.gguf .*x\.bin does not/);
      await expect(fails({ path: path.join(dir, 'x') })).rejects.toThrow(/"field":"path"/);
      await expect(fails({ path: path.join(dir, 'no', 'x.gguf') })).rejects.toThrow(/"code":"invalid_input".*The folder .*no does not exist/);
      await expect(fails({ model: 'nope' })).rejects.toThrow(/No language model named nope/);
      await expect(fails({ adapter: 'nope' })).rejects.toThrow(/"code":"not_found"/);
      await expect(fails({ type: 'q4_0' })).rejects.toThrow(/"field":"type"/);
      const other = ggufTinyModel('gpt2', 2);
      await call(b, 'models.import', { path: other.dir, name: 'other' });
      other.cleanup();
      await expect(fails({ model: 'other', adapter: 'ad' })).rejects.toThrow(/"code":"invalid_input".*Adapter ad belongs to tiny, not other/);
      expect(fs.readdirSync(dir).filter((f) => f.startsWith('x'))).toEqual([]);
    } finally {
      model.cleanup();
    }
  }, 60_000);

  it('studio export-gguf --merge --type q8_0: llama.cpp runs the file as the engine runs the adapted model', async () => {
    const dir = tempDir();
    const data = path.join(dir, 'data');
    const model = ggufTinyModel('llama');
    try {
      const adapter = randomAdapter(model.dir);
      await writePeftAdapter(path.join(dir, 'ad'), adapter);
      const studio = (...args: string[]) => runStudio(['--data-dir', data, ...args]);
      expect((await studio('model', 'import', model.dir, '--name', 'tiny')).code).toBe(0);
      expect((await studio('adapter', 'import', path.join(dir, 'ad'), '--base', 'tiny', '--name', 'ad')).code).toBe(0);

      const out = path.join(dir, 'merged.gguf');
      const run = await studio('export-gguf', '--model', 'tiny', '--adapter', 'ad', '--merge', '--type', 'q8_0', '--out', out);
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toMatch(new RegExp(`^Wrote ${out.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(\\d+(\\.\\d)? KB\\)\\n$`));
      expect((await readGgufInfo(out)).metadata.get('general.file_type')?.value).toBe(7);

      const engine = await engineGreedy(model.dir, adapter);
      const { prompt, greedy } = await leastAmbiguousPrompt(engine.run, loadModelConfig(model.dir).vocabSize, { candidates: 32, length: 6, steps: 16, strict: 8, seed: 11 });
      await engine.release();
      const llama = await cpuLlama();
      try {
        expect(samePrefix(await llamaCppGreedy(llama, out, prompt, 16), greedy.tokens)).toBeGreaterThanOrEqual(8);
      } finally {
        await llama.dispose();
      }

      const json = await studio('--json', 'export-gguf', '--model', 'tiny', '--out', path.join(dir, 'base.gguf'));
      expect(json.code, json.stderr).toBe(0);
      expect(JSON.parse(json.stdout)).toMatchObject({ result: path.join(dir, 'base.gguf'), job: { state: 'succeeded' } });
      expect((await readGgufInfo(path.join(dir, 'base.gguf'))).metadata.get('general.file_type')?.value).toBe(1);

      const usage = await studio('export-gguf', '--model', 'tiny', '--type', 'q4', '--out', path.join(dir, 'y.gguf'));
      expect([usage.code, usage.stderr]).toEqual([2, expect.stringMatching(/--type q4: must be one of f32, f16, q8_0/)]);
      const merge = await studio('export-gguf', '--model', 'tiny', '--merge', '--out', path.join(dir, 'y.gguf'));
      expect([merge.code, merge.stderr]).toEqual([2, expect.stringMatching(/--merge needs --adapter/)]);
      const exists = await studio('export-gguf', '--model', 'tiny', '--out', out);
      expect(exists.code).not.toBe(0);
      expect(exists.stderr).toMatch(/merged.gguf exists; export to a new file/);
    } finally {
      model.cleanup();
    }
  }, 120_000);
});
