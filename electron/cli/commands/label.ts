import fs from 'node:fs';
import readline from 'node:readline';
import type { Command } from 'commander';
import { apiCall, withBackend } from '../backend';
import { CliError, usageError } from '../errors';
import { globalOptions, printJson } from '../globals';

interface Problem {
  line: number;
  reason: string;
}

export function registerLabelCommand(program: Command): void {
  program
    .command('label <datanet>')
    .description('apply annotations in bulk from a JSONL file: one {"item": "it_…", "field": "…", "value": …} a line')
    .requiredOption('--file <annotations.jsonl>', 'the annotations to apply')
    .action(async (datanet: string, flags: { file: string }, cmd: Command) => {
      const globals = globalOptions(cmd.optsWithGlobals());
      if (!fs.existsSync(flags.file)) throw usageError(`--file ${flags.file}: no such file`);
      const problems: Problem[] = [];
      let applied = 0;
      await withBackend(globals, async (b) => {
        const target = await apiCall(b, 'datanets.get', { datanet });
        const lines = readline.createInterface({ input: fs.createReadStream(flags.file), crlfDelay: Infinity });
        let n = 0;
        for await (const text of lines) {
          n++;
          if (!text.trim()) continue;
          let row: { item?: unknown; field?: unknown; value?: unknown };
          try {
            row = JSON.parse(text) as typeof row;
          } catch (error) {
            problems.push({ line: n, reason: `not JSON: ${(error as Error).message}` });
            continue;
          }
          // Each line goes through the same validation as an edit in the app.
          const item = await b.router.call('items.get', { item: row.item });
          if (!item.ok) {
            problems.push({ line: n, reason: item.error.message });
            continue;
          }
          if ((item.value as { datanetId: string }).datanetId !== target.id) {
            problems.push({ line: n, reason: `item ${String(row.item)} belongs to another datanet` });
            continue;
          }
          const result = await b.router.call('annotations.set', { item: row.item, field: row.field, value: row.value ?? null });
          if (result.ok) applied++;
          else problems.push({ line: n, reason: result.error.message });
        }
      });
      if (globals.json) printJson({ applied, problems });
      else {
        for (const p of problems) process.stderr.write(`${flags.file}:${p.line}: ${p.reason}\n`);
        process.stdout.write(`${applied} annotations applied${problems.length ? `, ${problems.length} lines refused` : ''}.\n`);
      }
      if (problems.length) throw new CliError(`${problems.length} of the annotations were refused (see above)`);
    });
}
