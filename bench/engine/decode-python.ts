/**
 * A Python line server (bench/engine/decode-*.py) as an object: one JSON line per command, one
 * per reply, so a benchmark can alternate its runs with the engine's in one session.
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import readline from 'node:readline';

/** Debian's python3-torch lives under /usr/bin/python3; a pyenv python3 on PATH may lack it. */
export function torchPython(): string | undefined {
  for (const python of ['/usr/bin/python3', 'python3']) {
    if (spawnSync(python, ['-c', 'import torch, numpy'], { stdio: 'ignore' }).status === 0) return python;
  }
  return undefined;
}

export class PythonServer {
  private readonly lines: AsyncIterator<string>;
  private stderr = '';

  private constructor(private readonly child: ChildProcessWithoutNullStreams) {
    child.stderr.on('data', (d: Buffer) => (this.stderr += d.toString()));
    this.lines = readline.createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  }

  static async start(python: string, args: string[]): Promise<PythonServer> {
    const server = new PythonServer(spawn(python, args, { stdio: ['pipe', 'pipe', 'pipe'] }));
    await server.read(); // {"ready": true} once the weights or buffers are loaded
    return server;
  }

  async request<T>(command: Record<string, unknown>): Promise<T> {
    this.child.stdin.write(`${JSON.stringify(command)}\n`);
    return (await this.read()) as T;
  }

  stop(): void {
    this.child.stdin.end();
  }

  private async read(): Promise<unknown> {
    const next = await this.lines.next();
    if (next.done) throw new Error(`python exited: ${this.stderr}`);
    const reply = JSON.parse(next.value) as { error?: string };
    if (reply.error) throw new Error(`python: ${reply.error}`);
    return reply;
  }
}
