/**
 * The run train-resume.test.ts kills: trains the tiny model into OUT_DIR with the options in
 * argv[4] (JSON), sleeping `stepDelayMs` after each step so the test has time to kill it mid-run.
 * Usage: node scripts/run-ts.mjs test/integration/train-resume-child.ts MODEL_DIR OUT_DIR OPTIONS_JSON
 */
import { runTraining } from '../../engine/train/trainer';
import { textData } from './train-fixture';

const [modelDir, outDir, json] = process.argv.slice(2);
const { stepDelayMs = 0, ...options } = JSON.parse(json!) as Record<string, unknown> & { stepDelayMs?: number };
const pause = new Int32Array(new SharedArrayBuffer(4));
await runTraining(
  { ...options, modelDir: modelDir!, outDir: outDir!, data: await textData(modelDir!, { repeat: 2 }) },
  // A synchronous sleep: the step after this one waits, as a slow machine would.
  { onProgress: () => void Atomics.wait(pause, 0, 0, stepDelayMs) },
);
