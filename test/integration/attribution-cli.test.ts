/**
 * The attribution commands against a detached devnet: `studio attribute --json` signs a record,
 * `studio settle ID --fee WEI --out FILE` pays it and writes the claim file, `studio claim FILE`
 * claims each contributor's share, and `studio verify` checks the exported record (an altered one
 * fails, exit 1). Bad flags are usage errors (exit 2).
 */
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Attribution } from '../../shared/api/schemas/attribution';
import { contributorsPart } from '../../shared/ledger/attribution-record';
import { call, testBackend } from '../fixtures/datanet-backend';
import { runStudio } from '../fixtures/studio-cli';
import { tempDir } from '../fixtures/temp-dir';
import { attributionWorld, BPS, importWallet, KEY_A, KEY_B, PASSWORD } from './attribution-world';

beforeAll(() => {
  process.env.STUDIO_KEYSTORE_SCRYPT_N = String(2 ** 10);
  delete process.env.STUDIO_WALLET_PASSWORD;
});

describe('studio attribute, settle, claim and verify', () => {
  it('attributes, settles and claims from the command line', async () => {
    const dir = tempDir();
    const data = path.join(dir, 'data');
    const env = { STUDIO_WALLET_PASSWORD: PASSWORD };
    const studio = (args: string[]) => runStudio(['--data-dir', data, ...args], env);
    const devnetRun = await studio(['--json', 'devnet', 'start']);
    expect(devnetRun.code, devnetRun.stderr).toBe(0);
    const devnet = JSON.parse(devnetRun.stdout) as { rpcUrl: string; pid: number };
    try {
      let b = testBackend(data);
      const world = await attributionWorld(b);
      await b.close();
      const output = `${world.responseOf(world.rows[0]!.text)} ${world.responseOf(world.rows[world.half]!.text)}`;

      expect((await studio(['attribute', '--model', 'tiny-gpt2', '--adapter', 'numbers', '--prompt', 'p', '--top', 'x'])).code).toBe(2);
      const attributed = await studio(['--json', 'attribute', '--model', 'tiny-gpt2', '--adapter', 'numbers', '--prompt', 'Two numbers?', '--output', output, '--top', '1']);
      expect(attributed.code, attributed.stderr).toBe(0);
      const a = JSON.parse(attributed.stdout) as Attribution;
      expect(a.topExamples).toHaveLength(1); // two records are credited; --top keeps one
      expect(a.record.server).toBe(world.owner.toLowerCase());
      expect(a.record.method).toBe('spans'); // no --method: the adapter's own, spans unless set

      // The adapter's own method, chosen from the command line; a method that is none is refused, naming the choices.
      const bad = await studio(['adapter', 'attribution-method', 'numbers', 'shapley']);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toBe('studio: method shapley: must be influence or spans\n');
      const chosen = await studio(['adapter', 'attribution-method', 'numbers', 'influence']);
      expect(chosen.code, chosen.stderr).toBe(0);
      expect(chosen.stdout).toBe("numbers's answers are attributed by influence.\n");
      b = testBackend(data);
      expect((await call<{ name: string; attributionMethod: string }[]>(b, 'adapters.list')).find((x) => x.name === 'numbers')?.attributionMethod).toBe('influence');
      await call(b, 'adapters.setAttributionMethod', { name: 'numbers', method: 'spans' });
      await b.close();

      expect((await studio(['settle', a.id, '--fee', '0'])).code).toBe(2);
      const fee = 3n * 10n ** 16n + 1n;
      const claims = path.join(dir, 'claims.json');
      const settled = await studio(['settle', a.id, '--fee', fee.toString(), '--out', claims]);
      expect(settled.code, settled.stderr).toBe(0);
      expect(settled.stdout).toMatch(new RegExp(`^Paid ${fee} wei as payment \\d+ \\(tx 0x[0-9a-f]{64}\\)`, 'm'));
      expect(fs.existsSync(claims)).toBe(true);

      // The exported record verifies from the file alone; altered, it does not.
      b = testBackend(data);
      const file = await call<Record<string, unknown> & { output: string }>(b, 'attribution.export', { id: a.id });
      await b.close();
      const recordFile = path.join(dir, 'attribution.json');
      fs.writeFileSync(recordFile, JSON.stringify(file));
      const verified = await studio(['verify', recordFile]);
      expect(verified.code, verified.stderr).toBe(0);
      expect(verified.stdout.trim().split('\n').map((l) => l.slice(0, l.indexOf(':')))).toEqual(['✓ signature', '✓ query hash', '✓ output hash', '✓ shares root', '✓ shares sum']);
      fs.writeFileSync(recordFile, JSON.stringify({ ...file, output: `${file.output}!` }));
      const altered = await studio(['verify', recordFile]);
      expect(altered.code).toBe(1);
      expect(altered.stderr).toBe('studio: the attribution record does not verify: output hash failed\n');

      // Each contributor claims everything claimable.
      const got: bigint[] = [];
      for (const key of [KEY_A, KEY_B]) {
        b = testBackend(data);
        await importWallet(b, key);
        await b.close();
        const claimed = await studio(['--json', 'claim', claims]);
        expect(claimed.code, claimed.stderr).toBe(0);
        const list = JSON.parse(claimed.stdout) as { amount: string }[];
        expect(list).toHaveLength(1);
        got.push(BigInt(list[0]!.amount));
        const again = await studio(['claim']);
        expect(again.stdout).toMatch(/^Nothing to claim/);
      }
      expect(got[0]! + got[1]!).toBe(contributorsPart(fee, BPS));
    } finally {
      await studio(['devnet', 'stop']);
      try {
        process.kill(devnet.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
  }, 240_000);
});
