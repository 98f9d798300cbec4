// The manifest verify dialog's words for a pasted manifest that is not one: the first problem as
// a sentence naming the field, never the validator's own message ("Invalid input: expected …").
import { describe, expect, it } from 'vitest';
import { manifestProblem } from '../../renderer/pages/models/manifest-problem';
import { MANIFEST_FORMAT } from '../../shared/ledger/training-manifest';

const hex = (c: string) => `0x${c.repeat(64)}`;
const sha = (c: string) => c.repeat(64);
const address = `0x${'1'.repeat(40)}`;
/** A manifest the schema takes (its tree is not checked here: that is the backend's). */
const valid = () => ({
  format: MANIFEST_FORMAT,
  adapter: { hash: hex('a'), weightsSha256: sha('b'), configSha256: sha('c') },
  baseModel: { id: hex('d'), files: [{ path: 'config.json', sha256: sha('e') }, { path: 'model.safetensors', sha256: sha('f') }], source: null },
  datanet: { id: hex('1'), localId: 'dn', version: 1, localVersionId: 'v1', versionRoot: hex('2') },
  training: { field: '$text', examples: 3, tokens: 30 },
  chain: { chainId: 31337, contributionRegistry: address, modelRegistry: address },
  entries: [{ recordId: hex('3'), digest: hex('4'), contributor: address, examples: 3, tokens: 30, proof: [] }],
  weightSum: 30,
  header: { proof: [hex('5')] },
  root: hex('6'),
});
const text = (edit: (m: Record<string, unknown>) => void) => {
  const m = valid() as unknown as Record<string, unknown>;
  edit(m);
  return JSON.stringify(m);
};

describe('manifestProblem', () => {
  it('is null for a manifest the schema takes', () => {
    expect(manifestProblem(JSON.stringify(valid()))).toBeNull();
  });

  it('says the text is not JSON, with the parser’s reason, as a sentence', () => {
    expect(manifestProblem('{"format": ')).toMatch(/^The manifest is not valid JSON: .+\.$/);
    expect(manifestProblem('[]')).toBe('The manifest must be a JSON object, not a list.');
  });

  it('names a missing field, at the top or inside another', () => {
    expect(manifestProblem(JSON.stringify({ format: MANIFEST_FORMAT }))).toBe('The manifest lacks its “adapter” field.');
    expect(manifestProblem('{}')).toBe('The manifest lacks its “format” field.');
    expect(manifestProblem(text((m) => delete (m.adapter as Record<string, unknown>).hash))).toBe('The manifest\'s “adapter” lacks its “hash” field.');
  });

  it('says what a field must hold, in the schema’s words where it has its own', () => {
    expect(manifestProblem(text((m) => (m.adapter = 'abc')))).toBe('The manifest\'s “adapter” must be an object, not a string.');
    expect(manifestProblem(text((m) => ((m.adapter as Record<string, unknown>).hash = '0x12')))).toBe(
      'The manifest\'s “adapter.hash” must be 32 bytes of lower-case hex (0x and 64 hex digits).',
    );
    expect(manifestProblem(text((m) => (m.entries = [])))).toBe('The manifest\'s “entries” must list at least one contribution record.');
    expect(manifestProblem(text((m) => ((m.entries as Record<string, unknown>[])[0]!.tokens = -1)))).toBe('The manifest\'s “entries[0].tokens” must be at least 0.');
    expect(manifestProblem(text((m) => ((m.baseModel as { files: unknown[] }).files = [])))).toBe('The manifest\'s “baseModel.files” must have at least 2 items.');
  });

  it('says a manifest of another format is not one, and names a field it should not have', () => {
    expect(manifestProblem(text((m) => (m.format = 'datanet-studio/bundle@1')))).toBe(
      `The manifest's “format” is "datanet-studio/bundle@1", not "${MANIFEST_FORMAT}": it is not a training manifest, or one of another version.`,
    );
    expect(manifestProblem(text((m) => (m.extra = 1)))).toBe('The manifest has a field a training manifest does not: “extra”.');
  });

  it('never passes on the validator’s own words', () => {
    const cases = ['5', 'null', '{}', text((m) => (m.weightSum = 1.5)), text((m) => (m.chain = null)), text((m) => ((m.datanet as Record<string, unknown>).localId = ''))];
    for (const c of cases) expect(manifestProblem(c)).not.toMatch(/Invalid input|expected|received|Too small/);
  });
});
