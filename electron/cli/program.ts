import { Command, CommanderError } from 'commander';
import { appVersion } from '../paths';
import { registerAssistCommands } from './commands/assist';
import { registerAttributeCommand } from './commands/attribute';
import { registerClaimCommand } from './commands/claim';
import { registerSettleCommand } from './commands/settle';
import { contributeArgv, registerContributeCommand } from './commands/contribute';
import { registerContributionsCommands } from './commands/contributions';
import { registerDatanetCommands } from './commands/datanet';
import { registerDbCommands } from './commands/db';
import { registerDevnetCommands } from './commands/devnet';
import { doctorCommand } from './commands/doctor';
import { registerExportCommand } from './commands/export';
import { registerExportGgufCommand } from './commands/export-gguf';
import { registerImportCommand } from './commands/import';
import { registerLabelCommand } from './commands/label';
import { registerModelCommands } from './commands/model';
import { registerTrainCommands } from './commands/train';
import { registerGenerateCommand } from './commands/generate';
import { registerRewardsCommands } from './commands/rewards';
import { registerSearchCommand } from './commands/search';
import { registerSyncCommand } from './commands/sync';
import { registerVerifyCommand } from './commands/verify';
import { registerVersionCommands } from './commands/version';
import { registerWalletCommands } from './commands/wallet';
import { serveCommand, type ServeFlags } from './commands/serve';
import { registerServeModelsCommand } from './commands/serve-models';
import { CliError, EXIT_OK, EXIT_RUNTIME, EXIT_USAGE, oneLine, usageError } from './errors';
import { globalOptions, printJson } from './globals';

function buildProgram(): Command {
  const program = new Command('studio')
    .description('Datanet Studio: curate data, train LoRA adapters, sign and settle contributions.')
    .option('-V, --version', 'print the version (with --json: {"version": …})')
    .option('--data-dir <dir>', 'the data folder (default: the OS app-data folder for "Datanet Studio", or $STUDIO_DATA_DIR)')
    .option('--json', 'machine-readable output: one JSON document on stdout')
    .showHelpAfterError('(run studio --help for usage)')
    .exitOverride()
    .configureOutput({ writeErr: () => {} })
    // Only reached without a subcommand: `studio --version [--json]`, or `studio` alone.
    .argument('[command]')
    .usage('[options] [command]')
    .action((command: string | undefined, flags: { version?: boolean; json?: boolean }) => {
      if (command !== undefined) throw usageError(`unknown command '${command}' (run studio --help for usage)`);
      if (!flags.version) throw usageError('no command given (run studio --help for usage)');
      if (flags.json) printJson({ version: appVersion() });
      else process.stdout.write(`${appVersion()}\n`);
    });

  program
    .command('serve')
    .description('run the app headless and serve it to a browser on this machine')
    .option('--port <port>', 'port to listen on (default 7457, or a free one when it is taken; 0: any free port)')
    .option('--host <address>', 'address to bind (default 127.0.0.1)')
    .option('--allow-remote', 'allow --host to be an address other machines can reach')
    .action(async (flags: ServeFlags, cmd: Command) => serveCommand(globalOptions(cmd.optsWithGlobals()), flags));

  program
    .command('doctor')
    .description('check this machine: data folder, SQLite, ONNX Runtime, WebGPU, anvil, Electron')
    .action(async (_flags: unknown, cmd: Command) => doctorCommand(globalOptions(cmd.optsWithGlobals())));

  registerDatanetCommands(program);
  registerImportCommand(program);
  registerLabelCommand(program);
  registerSearchCommand(program);
  registerVersionCommands(program);
  registerExportCommand(program);
  registerDbCommands(program);
  registerAssistCommands(program);
  registerModelCommands(program);
  registerExportGgufCommand(program);
  registerTrainCommands(program);
  registerGenerateCommand(program);
  registerServeModelsCommand(program);
  registerWalletCommands(program);
  registerContributeCommand(program);
  registerSyncCommand(program);
  registerContributionsCommands(program);
  registerVerifyCommand(program);
  registerDevnetCommands(program);
  registerRewardsCommands(program);
  registerAttributeCommand(program);
  registerSettleCommand(program);
  registerClaimCommand(program);
  return program;
}

/** Parses argv, runs the command, and returns the exit code; prints one line on stderr when it fails. */
export async function runCli(argv: readonly string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(contributeArgv(argv), { from: 'user' });
    return EXIT_OK;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.exitCode === 0) return EXIT_OK; // --help, --version
      // Without a subcommand commander shows help and "fails"; that is a usage error too.
      process.stderr.write(`studio: ${oneLine(error).replace(/^error:\s*/, '')}\n`);
      return EXIT_USAGE;
    }
    if (error instanceof CliError) {
      process.stderr.write(`studio: ${oneLine(error)}\n`);
      return error.exitCode;
    }
    process.stderr.write(`studio: ${oneLine(error)}\n`);
    return EXIT_RUNTIME;
  }
}
