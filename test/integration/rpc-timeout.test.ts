// A JSON-RPC node that accepts the connection and never answers: each request gives up after the
// provider's timeout instead of ethers' five minutes, so a sync pass ends and the next one can use
// another network.
import net from 'node:net';
import { afterAll, expect, it } from 'vitest';
import { providerFor } from '../../electron/backend/ledger/provider';

const sockets: net.Socket[] = [];
const blackHole = net.createServer((socket) => sockets.push(socket)); // reads the request, answers nothing
afterAll(() => {
  for (const s of sockets) s.destroy();
  blackHole.close();
});

it('gives up on a node that never answers after the timeout', async () => {
  await new Promise<void>((resolve) => blackHole.listen(0, '127.0.0.1', resolve));
  const { port } = blackHole.address() as net.AddressInfo;
  const provider = providerFor(`http://127.0.0.1:${port}`, 31337, 500, 400);
  const started = performance.now();
  try {
    await expect(provider.send('eth_chainId', [])).rejects.toThrow(/timeout/i);
  } finally {
    provider.destroy();
  }
  const waited = performance.now() - started;
  expect(waited).toBeGreaterThanOrEqual(350);
  // Ten times the timeout: far from ethers' default of 300 s, whatever the machine's load.
  expect(waited).toBeLessThan(4000);
});
