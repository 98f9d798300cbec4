import { spawn, type ChildProcess } from 'node:child_process';
import { locateAnvil } from './anvil-binary';

export interface AnvilOptions {
  /** 0 (default): a free port, read back from anvil's "Listening on" line. */
  port?: number;
  chainId?: number;
  /** Loaded at start when it exists, written on exit and every `stateIntervalSeconds`. */
  stateFile?: string;
  stateIntervalSeconds?: number;
  /** Interval mining; omitted: a block per transaction (automine). */
  blockTimeSeconds?: number;
  /** Seconds to wait for anvil to listen. */
  startTimeoutSeconds?: number;
}

export interface RunningAnvil {
  readonly rpcUrl: string;
  readonly port: number;
  readonly pid: number;
  /** Resolves when the process is gone; anvil writes its state file on SIGTERM. */
  readonly exited: Promise<number | null>;
  stop(): Promise<void>;
  /** SIGKILL: no state written (what a crash does). */
  kill(): Promise<void>;
}

/** anvil's well-known first development account (from its default mnemonic): funds the faucet. */
export const ANVIL_DEV_KEY = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80';

/** Starts anvil on loopback and resolves once it listens; rejects with anvil's own output when it cannot. */
export async function startAnvil(options: AnvilOptions = {}): Promise<RunningAnvil> {
  const where = locateAnvil();
  if (!where.found) throw new Error(`Cannot start the local devnet: ${where.reason}. Reinstall the app (npm install) to get anvil.`);
  const args = ['--host', '127.0.0.1', '--port', String(options.port ?? 0)];
  if (options.chainId !== undefined) args.push('--chain-id', String(options.chainId));
  if (options.stateFile !== undefined) args.push('--state', options.stateFile);
  if (options.stateIntervalSeconds !== undefined) args.push('--state-interval', String(options.stateIntervalSeconds));
  if (options.blockTimeSeconds !== undefined) args.push('--block-time', String(options.blockTimeSeconds));
  const child = spawn(where.path, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const port = await listeningPort(child, exited, (options.startTimeoutSeconds ?? 30) * 1000);
  const stopWith = async (signal: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    await exited;
  };
  return {
    rpcUrl: `http://127.0.0.1:${port}`,
    port,
    pid: child.pid ?? -1,
    exited,
    stop: () => stopWith('SIGTERM'),
    kill: () => stopWith('SIGKILL'),
  };
}

function listeningPort(child: ChildProcess, exited: Promise<number | null>, timeoutMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`anvil did not start listening within ${timeoutMs / 1000} s:\n${output.slice(-2000)}`));
    }, timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /Listening on [^\s:]+:(\d+)/.exec(output);
      if (!match) return;
      clearTimeout(timer);
      // Keep draining its output so a full pipe never blocks it.
      child.stdout?.removeListener('data', onData);
      child.stdout?.resume();
      resolve(Number(match[1]));
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`anvil exited (code ${code}) before it listened:\n${output.slice(-2000)}`));
    });
  });
}
