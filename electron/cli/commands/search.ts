import type { Command } from 'commander';
import type { Item } from '../../../shared/api/schemas/datanets';
import { apiCall, withBackend } from '../backend';
import { usageError } from '../errors';
import { globalOptions, printJson } from '../globals';

function preview(item: Item, width: number): string {
  const filename = item.content.fields.filename;
  const text = (item.content.text || (typeof filename === 'string' ? filename : '')).replace(/\s+/g, ' ');
  const labels = Object.entries(item.labels)
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(' ');
  const line = `${item.id}  ${text}`;
  return `${line.length > width ? line.slice(0, width - 1) + '…' : line}${labels ? `\n    ${labels}` : ''}`;
}

export function registerSearchCommand(program: Command): void {
  program
    .command('search <datanet> <query>')
    .description('full-text search over item text and labels (every word must occur; "a phrase", pre* and OR also work)')
    .option('--limit <n>', 'at most this many results', '20')
    .option('--labeled', 'only labeled items')
    .option('--unlabeled', 'only unlabeled items')
    .action(async (datanet: string, query: string, flags: { limit: string; labeled?: boolean; unlabeled?: boolean }, cmd: Command) => {
      const globals = globalOptions(cmd.optsWithGlobals());
      const limit = Number(flags.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw usageError(`--limit ${flags.limit}: must be a whole number from 1 to 1000`);
      if (flags.labeled && flags.unlabeled) throw usageError('--labeled and --unlabeled exclude each other');
      const labeled = flags.labeled ? true : flags.unlabeled ? false : undefined;
      const page = await withBackend(globals, (b) =>
        apiCall(b, 'items.page', { datanet, limit, filter: { query, ...(labeled === undefined ? {} : { labeled }) } }),
      );
      if (globals.json) printJson(page);
      else process.stdout.write(page.items.length ? page.items.map((i) => preview(i, 100)).join('\n') + '\n' : 'No matches.\n');
    });
}
