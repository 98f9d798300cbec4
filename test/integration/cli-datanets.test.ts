import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { DatanetSummary, ItemsPage, RecordProof, Version, VersionDiff } from '../../shared/api/schemas/datanets';
import { runStudio } from '../fixtures/studio-cli';
import { tempDir } from '../fixtures/temp-dir';

const SCHEMA = { fields: [{ kind: 'single_choice', name: 'sentiment', labels: ['positive', 'negative'] }, { kind: 'free_text', name: 'note' }] };

/** `studio --data-dir D --json …`, parsed; fails the test with stderr when the command fails. */
async function studioJson<T>(dataDir: string, args: string[], expectCode = 0): Promise<T> {
  const run = await runStudio(['--data-dir', dataDir, '--json', ...args]);
  expect(run.code, run.stderr).toBe(expectCode);
  return JSON.parse(run.stdout) as T;
}

describe('studio datanet commands', () => {
  it('create, import, search, label, version, proof, diff, export and back up, from the command line', async () => {
    const dir = tempDir();
    const data = path.join(dir, 'data');
    const input = path.join(dir, 'in');
    fs.mkdirSync(input);
    fs.writeFileSync(path.join(dir, 'schema.json'), JSON.stringify(SCHEMA));
    fs.writeFileSync(path.join(input, 'reviews.jsonl'), '{"text":"The delivery was late","sentiment":"negative"}\n{"text":"Great café, friendly staff"}\n{bad json\n');
    fs.writeFileSync(path.join(input, 'more.csv'), 'text,sentiment\n"Loved it, really",positive\n');

    const created = await studioJson<DatanetSummary>(data, ['datanet', 'create', 'Reviews', '--schema', path.join(dir, 'schema.json'), '--license', 'CC-BY-4.0']);
    expect(created.name).toBe('Reviews');

    const imported = await studioJson<{ import: { itemsAdded: number; state: string }; errors: { path: string; line: number }[] }>(data, ['import', 'Reviews', input]);
    expect(imported.import).toMatchObject({ itemsAdded: 3, state: 'done' });
    expect(imported.errors).toEqual([expect.objectContaining({ path: path.join(input, 'reviews.jsonl'), line: 3 })]);

    const listed = await studioJson<DatanetSummary[]>(data, ['datanet', 'list']);
    expect(listed).toEqual([expect.objectContaining({ name: 'Reviews', itemCount: 3, labeledCount: 2 })]);

    const found = await studioJson<ItemsPage>(data, ['search', 'Reviews', 'cafe']);
    expect(found.items.map((i) => i.content.text)).toEqual(['Great café, friendly staff']);
    const cafe = found.items[0]!.id;

    const annotations = path.join(dir, 'labels.jsonl');
    fs.writeFileSync(annotations, `${JSON.stringify({ item: cafe, field: 'sentiment', value: 'positive' })}\n${JSON.stringify({ item: cafe, field: 'sentiment', value: 'meh' })}\n`);
    const labeled = await studioJson<{ applied: number; problems: { line: number; reason: string }[] }>(data, ['label', 'Reviews', '--file', annotations], 1);
    expect(labeled.applied).toBe(1);
    expect(labeled.problems).toHaveLength(1);
    expect(labeled.problems[0]!.line).toBe(2);
    expect(labeled.problems[0]!.reason).toMatch(/must be one of: positive, negative/);

    const v1 = await studioJson<Version>(data, ['version', 'create', 'Reviews', '--note', 'first']);
    expect(v1).toMatchObject({ number: 1, recordCount: 3 });
    const proof = await studioJson<RecordProof>(data, ['version', 'proof', 'Reviews', '1', cafe]);
    expect(proof).toMatchObject({ verified: true, root: v1.root, itemId: cafe });
    expect(JSON.parse(proof.record)).toMatchObject({ labels: { sentiment: 'positive' } });

    fs.writeFileSync(annotations, `${JSON.stringify({ item: cafe, field: 'note', value: 'friendly' })}\n`);
    await studioJson(data, ['label', 'Reviews', '--file', annotations]);
    await studioJson(data, ['version', 'create', 'Reviews']);
    const diff = await studioJson<VersionDiff>(data, ['version', 'diff', 'Reviews', '1', 'latest']);
    expect(diff).toMatchObject({ counts: { added: 0, removed: 0, changed: 1 }, changed: [cafe] });
    expect(diff.details[cafe]).toEqual({ text: 'Great café, friendly staff', truncated: false, changes: [{ field: 'note', before: null, after: 'friendly' }] });
    // For people: the item's text beside its id, each changed field under it.
    const diffText = await runStudio(['--data-dir', data, 'version', 'diff', 'Reviews', '1', 'latest']);
    expect(diffText.stdout).toBe(`v1 → v2: 0 added, 0 removed, 1 changed\n~ ${cafe}  Great café, friendly staff\n    note: (none) → friendly\n`);

    const out = path.join(dir, 'export.csv');
    await studioJson(data, ['export', 'Reviews', '--format', 'csv', '--out', out]);
    expect(fs.readFileSync(out, 'utf8')).toMatch(/Great café, friendly staff/);

    const backup = path.join(dir, 'copy.db');
    await studioJson(data, ['db', 'backup', backup]);
    const copy = new Database(backup, { readonly: true });
    expect(copy.prepare('SELECT count(*) FROM items').pluck().get()).toBe(3);
    copy.close();
  }, 120_000); // two dozen CLI processes, each ~0.4 s alone and several times that on a loaded 2-core machine

  it('db backup works while a server holds the data folder, and refuses to overwrite', async () => {
    const dir = tempDir();
    const data = path.join(dir, 'data');
    fs.writeFileSync(path.join(dir, 'schema.json'), JSON.stringify(SCHEMA));
    await studioJson(data, ['datanet', 'create', 'A', '--schema', path.join(dir, 'schema.json')]);
    const lock = path.join(data, 'studio.lock');
    fs.writeFileSync(lock, String(process.pid)); // as if the app were running: the folder is locked
    try {
      const target = path.join(dir, 'b.db');
      await studioJson(data, ['db', 'backup', target]);
      expect(fs.statSync(target).size).toBeGreaterThan(0);
      const again = await runStudio(['--data-dir', data, 'db', 'backup', target]);
      expect(again.code).toBe(2);
      expect(again.stderr).toMatch(/already exists/);
      const blocked = await runStudio(['--data-dir', data, 'datanet', 'list']);
      expect(blocked.code).toBe(1);
      expect(blocked.stderr).toMatch(/in use by another Datanet Studio/);
    } finally {
      fs.rmSync(lock, { force: true });
    }
  });

  it('reports usage errors with exit 2: a bad schema file, a bad --map, an unknown format', async () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'bad.json'), '{"fields": [{"kind": "rating", "name": "r", "max": 99}]}');
    const bad = await runStudio(['--data-dir', dir, 'datanet', 'create', 'X', '--schema', path.join(dir, 'bad.json')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/schema\.fields\.0\.max/);
    const noSchema = await runStudio(['--data-dir', dir, 'datanet', 'create', 'X']);
    expect(noSchema.code).toBe(2);
    fs.writeFileSync(path.join(dir, 'ok.json'), JSON.stringify(SCHEMA));
    await studioJson(dir, ['datanet', 'create', 'X', '--schema', path.join(dir, 'ok.json')]);
    const map = await runStudio(['--data-dir', dir, 'import', 'X', dir, '--map', 'nonsense']);
    expect(map.code).toBe(2);
    expect(map.stderr).toMatch(/--map nonsense: must be FIELD=COLUMN/);
    const fmt = await runStudio(['--data-dir', dir, 'export', 'X', '--format', 'xml', '--out', path.join(dir, 'o')]);
    expect(fmt.code).toBe(2);
    const missing = await runStudio(['--data-dir', dir, 'datanet', 'show', 'Nope']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/No datanet named "Nope"/);
  });
});
