// How much the API layer costs per call: a call over the app's WebSocket API (token/Host/Origin
// checks, JSON framing, zod parse of input and output, a SQLite read) against a bare WebSocket
// echo on the same machine in the same run. Prints both rates and the ratio.
//
//   node scripts/run-ts.mjs bench/api-roundtrip.ts [calls]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import WebSocket, { WebSocketServer } from 'ws';
import { openBackend } from '../electron/backend';
import { startServer } from '../electron/server';

const CALLS = Number(process.argv[2] ?? 5000);
const IN_FLIGHT = 16;

/** Sends CALLS messages keeping IN_FLIGHT outstanding; returns calls per second. */
async function drive(ws: WebSocket, frame: (id: number) => string): Promise<number> {
  let sent = 0;
  let received = 0;
  const start = performance.now();
  await new Promise<void>((resolve) => {
    ws.on('message', () => {
      received++;
      if (received === CALLS) resolve();
      else if (sent < CALLS) ws.send(frame(sent++));
    });
    while (sent < Math.min(IN_FLIGHT, CALLS)) ws.send(frame(sent++));
  });
  return (CALLS * 1000) / (performance.now() - start);
}

function opened(ws: WebSocket): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'studio-bench-'));
const backend = openBackend({ dataDir, runtime: 'server', quiet: true });
const rendererDir = fs.mkdtempSync(path.join(os.tmpdir(), 'studio-bench-ui-'));
fs.writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html>');
const server = await startServer({ backend, rendererDir, port: 0 });

const echo = new WebSocketServer({ host: '127.0.0.1', port: 0 });
echo.on('connection', (s) => s.on('message', (d: Buffer) => s.send(d.toString())));
await new Promise((r) => echo.once('listening', r));
const echoPort = (echo.address() as { port: number }).port;

try {
  const api = await opened(
    new WebSocket(`ws://127.0.0.1:${server.port}/api`, {
      headers: { authorization: `Bearer ${server.token}`, origin: `http://127.0.0.1:${server.port}` },
    }),
  );
  const raw = await opened(new WebSocket(`ws://127.0.0.1:${echoPort}`));
  const apiFrame = (id: number) => JSON.stringify({ type: 'call', id, name: 'settings.get', input: {} });
  const rawFrame = (id: number) => JSON.stringify({ type: 'call', id, name: 'settings.get', input: {} });
  // Warm up both paths (JIT, SQLite statement cache) before measuring.
  await drive(api, apiFrame);
  api.removeAllListeners('message');
  await drive(raw, rawFrame);
  raw.removeAllListeners('message');
  const apiRate = await drive(api, apiFrame);
  const rawRate = await drive(raw, rawFrame);
  console.log(`calls: ${CALLS}, ${IN_FLIGHT} in flight, ${os.cpus().length} cores`);
  console.log(`app API (settings.get over /api): ${apiRate.toFixed(0)} calls/s`);
  console.log(`bare WebSocket echo (peer):        ${rawRate.toFixed(0)} calls/s`);
  console.log(`ratio app/peer: ${(apiRate / rawRate).toFixed(2)}`);
  api.close();
  raw.close();
} finally {
  echo.close();
  await server.close();
  await backend.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
  fs.rmSync(rendererDir, { recursive: true, force: true });
}
