import fs from 'node:fs';
import type { Command } from 'commander';
import type { CallInput } from '../../../shared/api/contract';
import type { DatanetSummary } from '../../../shared/api/schemas/datanets';
import { apiCall, withBackend } from '../backend';
import { usageError } from '../errors';
import { globalOptions, printJson } from '../globals';

function describe(d: DatanetSummary): string {
  const fields = d.schema.fields.map((f) => `${f.name} (${f.kind.replace('_', ' ')}${'labels' in f ? `: ${f.labels.join(', ')}` : ''})`);
  return [
    `${d.name}  ${d.id}`,
    d.description ? `  ${d.description}` : null,
    `  license ${d.license} · ${d.itemCount} items · ${d.labeledCount} labeled · ${d.lastVersion ? `version ${d.lastVersion.number}` : 'no version yet'}`,
    `  fields: ${fields.join('; ')}`,
  ]
    .filter((l) => l !== null)
    .join('\n');
}

/** A schema file is JSON ({"fields": [...]}) or a Label Studio labeling config (XML). */
function readSchemaFile(file: string): { schema: unknown } | { labelStudioConfig: string } {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw usageError(`--schema ${file}: ${(error as Error).message}`);
  }
  if (text.trimStart().startsWith('<')) return { labelStudioConfig: text };
  try {
    return { schema: JSON.parse(text) as unknown };
  } catch (error) {
    throw usageError(`--schema ${file}: not JSON (${(error as Error).message}) nor a Label Studio XML config`);
  }
}

export function registerDatanetCommands(program: Command): void {
  const datanet = program.command('datanet').description('create and inspect datanets');

  datanet
    .command('create <name>')
    .description('create a datanet')
    .option('--schema <file>', 'label schema: JSON {"fields": [...]} or a Label Studio labeling config (XML)')
    .option('--license <id>', 'SPDX license id of the data', 'CC-BY-4.0')
    .option('--description <text>', 'what the datanet holds', '')
    .action(async (name: string, flags: { schema?: string; license: string; description: string }, cmd: Command) => {
      const globals = globalOptions(cmd.optsWithGlobals());
      if (!flags.schema) throw usageError('--schema FILE is required: the fields contributors label (JSON or Label Studio XML)');
      const schema = readSchemaFile(flags.schema);
      const input = { name, license: flags.license, description: flags.description, ...schema } as CallInput<'datanets.create'>;
      const created = await withBackend(globals, (b) => apiCall(b, 'datanets.create', input));
      if (globals.json) printJson(created);
      else process.stdout.write(`Created datanet ${created.name} (${created.id}).\n`);
    });

  datanet
    .command('list')
    .description('list datanets')
    .action(async (_flags: unknown, cmd: Command) => {
      const globals = globalOptions(cmd.optsWithGlobals());
      const list = await withBackend(globals, (b) => apiCall(b, 'datanets.list', {}));
      if (globals.json) printJson(list);
      else process.stdout.write(list.length ? list.map(describe).join('\n\n') + '\n' : 'No datanets yet: create one with `studio datanet create NAME --schema FILE`.\n');
    });

  datanet
    .command('show <name>')
    .description('show one datanet with its schema, counts and imports')
    .action(async (name: string, _flags: unknown, cmd: Command) => {
      const globals = globalOptions(cmd.optsWithGlobals());
      const [d, imports] = await withBackend(globals, async (b) => [await apiCall(b, 'datanets.get', { datanet: name }), await apiCall(b, 'imports.list', { datanet: name })] as const);
      if (globals.json) printJson({ ...d, imports });
      else {
        const lines = imports.map((i) => `  ${i.id}  ${i.state.padEnd(11)} ${i.itemsAdded} items, ${i.itemsDuplicate} duplicates, ${i.errors} problems  ${i.paths.join(' ')}`);
        process.stdout.write(`${describe(d)}\n${imports.length ? `  imports:\n${lines.join('\n')}\n` : ''}`);
      }
    });
}
