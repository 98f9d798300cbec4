/**
 * The attribution tests' world: a datanet of 12 instruction pairs frozen as version 1 and a tiny
 * GPT-2; contributor A signs a selection of the first half of its records, B of the second half;
 * an adapter `numbers` trained on the version (2 steps) and registered by a third wallet (OWNER)
 * with the owner's share BPS. Each response is distinctive, so an output quoting one is credited
 * to its record.
 */
import path from 'node:path';
import { expect } from 'vitest';
import type { Backend } from '../../electron/backend';
import type { Job } from '../../shared/api/schemas/jobs';
import { call } from '../fixtures/datanet-backend';
import { pairsVersion } from '../fixtures/pairs-version';
import { tempDir } from '../fixtures/temp-dir';
import { writeTinyModel } from '../fixtures/tiny-models';

export const PASSWORD = 'a long password';
export const KEY_A = '0x' + '51'.repeat(32);
export const KEY_B = '0x' + '52'.repeat(32);
export const KEY_OWNER = '0x' + '53'.repeat(32);
export const BPS = 2000;
const WORDS = [
  ['red', 'tea', 'Mondays'], ['quiet', 'rain', 'hills'], ['round', 'maps', 'boats'], ['sharp', 'owls', 'roofs'],
  ['heavy', 'bread', 'trains'], ['bright', 'jazz', 'bridges'], ['cold', 'snow', 'islands'], ['soft', 'kites', 'farms'],
  ['loud', 'drums', 'stairs'], ['thin', 'ink', 'towers'], ['warm', 'sand', 'rivers'], ['slow', 'moss', 'caves'],
];
export const PAIRS = WORDS.map(([a, b, c], i) => ({ prompt: `Tell me about the number ${i}.`, response: `Number ${i} is ${a} and it likes ${b} on ${c}.` }));

export const importWallet = (b: Backend, privateKey: string) =>
  call<{ address: string }>(b, 'wallet.import', { source: { kind: 'privateKey', privateKey }, password: PASSWORD, replace: true });

export interface World {
  /** The version's records in position order, with their item text. */
  rows: { id: string; text: string }[];
  half: number;
  a: string;
  b: string;
  owner: string;
  /** The response quoted from a record's text. */
  responseOf: (text: string) => string;
}

export async function attributionWorld(b: Backend): Promise<World> {
  const { version } = await pairsVersion(b, 'Numbers', PAIRS);
  const model = writeTinyModel(path.join(tempDir(), 'tiny-gpt2'), { architecture: 'gpt2', seed: 1 });
  await call(b, 'models.import', { path: model.dir });

  const rows = b.datanets.db
    .prepare("SELECT r.item_id AS id, json_extract(i.content, '$.text') AS text FROM version_records r JOIN items i ON i.id = r.item_id WHERE r.version_id = ? ORDER BY r.position")
    .all(version.id) as { id: string; text: string }[];
  const half = rows.length / 2;
  const a = (await importWallet(b, KEY_A)).address;
  await call(b, 'wallet.fund', { eth: '1' });
  await call(b, 'contributions.create', { datanet: 'Numbers', items: rows.slice(0, half).map((r) => r.id) });
  const bee = (await importWallet(b, KEY_B)).address;
  await call(b, 'wallet.fund', { eth: '1' });
  await call(b, 'contributions.create', { datanet: 'Numbers', items: rows.slice(half).map((r) => r.id) });

  const train = await call<Job>(b, 'training.start', { model: 'tiny-gpt2', datanet: 'Numbers', field: 'pair', out: 'numbers', steps: 2, maxLen: 64, evalFraction: 0.25, rank: 4 });
  expect((await b.jobs.settled(train.id)).state).toBe('succeeded');
  const owner = (await importWallet(b, KEY_OWNER)).address;
  await call(b, 'wallet.fund', { eth: '10' });
  await call(b, 'models.register', { adapter: 'numbers', ownerShareBps: BPS });
  const responseOf = (text: string) => PAIRS.find((p) => text.includes(p.response))!.response;
  return { rows, half, a, b: bee, owner, responseOf };
}
