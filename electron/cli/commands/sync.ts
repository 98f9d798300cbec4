// `studio sync`: anchors the outbox on the configured network. `--once` runs one pass; without it
// the command follows every batch until it is final, then exits. On the app's devnet each pass
// mines the blocks a batch's depth lacks (LedgerService.syncOnce), so no mining happens here.
import type { Command } from 'commander';
import type { CallOutput } from '../../../shared/api/contract';
import type { Backend } from '../../backend';
import { withBackend } from '../backend';
import { CliError, usageError } from '../errors';
import { globalOptions, printJson } from '../globals';
import { PASSWORD_HELP, ledgerCall, unlockWallet } from './wallet';

type Report = NonNullable<CallOutput<'ledger.sync'>>;
type Status = CallOutput<'ledger.status'>;
type Counts = Status['counts'];

const STATES = ['signed', 'queued', 'submitted', 'included', 'confirmed', 'failed'] as const;
const countsLine = (c: Counts) => STATES.map((s) => `${s} ${c[s]}`).join(' · ');
const n = (c: Counts, ...states: (keyof Counts)[]) => states.reduce((sum, s) => sum + c[s], 0);

/** Why a pass returned nothing (wallet locked, network unreachable), as the status says it. */
function noPassReason(status: Status): string {
  return status.sync.message ?? `the sync state is ${status.sync.state}`;
}

function progress(text: string): void {
  if (process.stderr.isTTY) process.stderr.write(`\r\x1b[2K${text}`);
  else process.stderr.write(`${text}\n`);
}

async function syncOnce(b: Backend): Promise<{ report: Report; status: Status }> {
  const report = await ledgerCall(b, 'ledger.sync', {});
  const status = await ledgerCall(b, 'ledger.status', {});
  if (!report) throw new CliError(`no sync pass ran: ${noPassReason(status)}`);
  return { report, status };
}

async function syncUntilFinal(b: Backend, intervalMs: number): Promise<{ passes: number; status: Status; stopped: boolean }> {
  const signal = { stopped: false };
  let wake = () => {};
  const stop = () => {
    signal.stopped = true;
    wake();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  // A referenced timer: the wait itself keeps the process alive; Ctrl+C cuts it short.
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      wake = () => (clearTimeout(timer), resolve());
    });
  let passes = 0;
  let offlineWait = 1000;
  let last = '';
  try {
    for (;;) {
      const report = await ledgerCall(b, 'ledger.sync', {});
      passes++;
      const status = await ledgerCall(b, 'ledger.status', {});
      const line = `${countsLine(status.counts)}${report ? '' : ` · ${noPassReason(status)}`}`;
      if (line !== last || process.stderr.isTTY) progress(line);
      last = line;
      if (!report && status.sync.state === 'locked') throw new CliError(noPassReason(status));
      if (report?.problem && report.problem.code !== 'offline') throw new CliError(report.problem.message);
      // Done when nothing waits on the chain and the pass had nothing to send: what is still
      // signed or queued then belongs to another network or registry than the one configured.
      if (report?.online && n(status.counts, 'submitted', 'included') === 0 && report.sent === 0) return { passes, status, stopped: false };
      if (signal.stopped) return { passes, status, stopped: true };
      if (report?.online) offlineWait = 1000;
      await sleep(report?.online ? intervalMs : (offlineWait = Math.min(30_000, offlineWait * 2)));
    }
  } finally {
    process.removeListener('SIGINT', stop);
    process.removeListener('SIGTERM', stop);
    if (process.stderr.isTTY) process.stderr.write('\n');
  }
}

export function registerSyncCommand(program: Command): void {
  program
    .command('sync')
    .description('anchor signed records on the configured network and follow them until final (Ctrl+C stops after the current pass)')
    .option('--once', 'one pass, then print its report')
    .option('--interval <seconds>', 'seconds between passes', '2')
    .option('--password-file <file>', PASSWORD_HELP)
    .action(async (flags: { once?: boolean; interval: string; passwordFile?: string }, cmd: Command) => {
      const globals = globalOptions(cmd.optsWithGlobals());
      const interval = Number(flags.interval);
      if (!Number.isFinite(interval) || interval < 0) throw usageError(`--interval ${flags.interval}: must be a number of seconds`);
      if (flags.once) {
        const { report, status } = await withBackend(globals, async (b) => {
          await unlockWallet(b, flags);
          return syncOnce(b);
        });
        if (globals.json) printJson({ report, counts: status.counts });
        else {
          process.stdout.write(
            `${report.online ? 'online' : 'offline'}${report.head === null ? '' : ` at block ${report.head}`}: ${report.sent} batch(es) sent, ${report.included} record(s) included, ${report.confirmed} confirmed, ${report.requeued} requeued\n${countsLine(status.counts)}\n`,
          );
        }
        if (report.problem) throw new CliError(report.problem.message);
        return;
      }
      const result = await withBackend(globals, async (b) => {
        await unlockWallet(b, flags);
        return syncUntilFinal(b, interval * 1000);
      });
      const c = result.status.counts;
      const elsewhere = n(c, 'signed', 'queued');
      if (globals.json) printJson({ passes: result.passes, counts: c, stopped: result.stopped });
      else if (!result.stopped) {
        process.stdout.write(`Synced: ${c.confirmed} record(s) confirmed${elsewhere ? `; ${elsewhere} signed for another network or registry wait for it` : ''}.\n${countsLine(c)}\n`);
      }
      if (result.stopped) throw new CliError(`stopped: ${n(c, 'signed', 'queued', 'submitted', 'included')} record(s) still in flight; they stay in the outbox (run studio sync again)`);
    });
}
