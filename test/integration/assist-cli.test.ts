import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EmbeddingModel, SemanticSearchResult } from '../../shared/api/schemas/assist';
import { runStudio } from '../fixtures/studio-cli';
import { tempDir } from '../fixtures/temp-dir';
import { TOPIC_ITEMS, TOPIC_SCHEMA, writeTinyEmbeddingModel } from '../fixtures/tiny-embedding-model';

async function studio(dataDir: string, args: string[], expectCode = 0): Promise<string> {
  const run = await runStudio(['--data-dir', dataDir, ...args]);
  expect(run.code, run.stderr).toBe(expectCode);
  return expectCode === 0 ? run.stdout : run.stderr;
}

describe('studio assist', () => {
  // Nine processes, each loading the backend and the model: slow on a busy machine, hence the long timeout.
  it('imports a model folder, embeds a datanet and searches it by meaning, from the command line', async () => {
    const dir = tempDir();
    const data = path.join(dir, 'data');
    fs.writeFileSync(path.join(dir, 'schema.json'), JSON.stringify(TOPIC_SCHEMA));
    fs.writeFileSync(path.join(dir, 'items.jsonl'), TOPIC_ITEMS.map(({ text, topic }) => JSON.stringify(topic ? { text, topic } : { text })).join('\n') + '\n');
    await studio(data, ['datanet', 'create', 'Topics', '--schema', path.join(dir, 'schema.json'), '--license', 'MIT']);
    await studio(data, ['import', 'Topics', path.join(dir, 'items.jsonl')]);

    expect(await studio(data, ['assist', 'models'])).toMatch(/No embedding model is installed/);
    const broken = writeTinyEmbeddingModel(path.join(dir, 'broken'), { omit: ['tokenizer.json'] });
    expect(await studio(data, ['assist', 'import', broken], 2)).toMatch(/^.*has no tokenizer.json\..*\n$/);

    expect(await studio(data, ['assist', 'import', writeTinyEmbeddingModel(path.join(dir, 'tiny')), '--name', 'tiny-model'])).toMatch(/^Installed tiny-model \(.+\), in use\.\n$/);
    const models = JSON.parse(await studio(data, ['--json', 'assist', 'models'])) as EmbeddingModel[];
    expect(models.map((m) => [m.name, m.active])).toEqual([['tiny-model', true]]);

    expect(await studio(data, ['assist', 'embed', 'Topics'])).toContain(`${TOPIC_ITEMS.length} items newly embedded`);
    const found = JSON.parse(await studio(data, ['--json', 'assist', 'search', 'Topics', 'a puppy slept on the carpet', '--limit', '2'])) as SemanticSearchResult;
    expect(found.items.map((r) => r.item.content.text)).toEqual(['The cat sat on the mat.', 'the cat sat on the mat!']);
    expect(await studio(data, ['assist', 'search', 'Topics', 'toast', '--limit', '1'])).toMatch(/^\d\.\d{3} {2}it_\w+ {2}(Fresh bread and butter for breakfast\.|Some toast and stew for brunch\.)\n$/);
  }, 120_000);
});
