// The Train page's arithmetic: the memory and time estimates, the recorded curve, the run history
// merged from the app's records, the backend's jobs and the adapters' lineage, and run comparison.
import { describe, expect, it } from 'vitest';
import type { Job } from '../../shared/api/schemas/jobs';
import type { Adapter } from '../../shared/api/schemas/models';
import { memoryEstimate, secondsPerStep, timeEstimate, type MeasuredRun } from '../../renderer/pages/train/estimate';
import { compareRuns, historyRows, measuredRuns } from '../../renderer/pages/train/history';
import { newRecord, recordFromRun, shownRecord, withEval, withPoint, type RunPoint, type RunRecord } from '../../renderer/pages/train/run-points';
import type { TrainingRun } from '../../shared/api/schemas/training';
import { limitProblem, NUMBER_LIMITS, PRESETS, problems } from '../../renderer/pages/train/presets';

const GPT2_SMALL = { parameters: 124_439_808, layers: 12, hidden: 768, vocab: 50_257 };

describe('memoryEstimate', () => {
  it('adds float32 weights, the activations of one micro-batch and the adapter with AdamW', () => {
    const m = memoryEstimate(GPT2_SMALL, { batch: 4, maxLen: 512, rank: 8, targets: 'default' });
    expect(m.weights).toBe(124_439_808 * 4);
    // 2048 tokens × (12 layers × (18 × 768 + 2 × 12 heads × 512) + 3 × 50257) floats.
    expect(m.activations).toBe(2048 * (12 * (18 * 768 + 2 * 12 * 512) + 3 * 50_257) * 4);
    // q and v: rank × (768 + 768) × 2 modules × 12 layers, four copies (values, gradient, two moments).
    expect(m.adapter).toBe(8 * 4 * 768 * 12 * 4 * 4);
    expect(m.total).toBe(m.weights + m.activations + m.adapter);
    // Twice the tokens, twice the activations; the weights stay.
    const longer = memoryEstimate(GPT2_SMALL, { batch: 8, maxLen: 512, rank: 8, targets: 'default' });
    expect(longer.activations).toBe(2 * m.activations);
    expect(longer.weights).toBe(m.weights);
    expect(memoryEstimate(GPT2_SMALL, { batch: 4, maxLen: 512, rank: 8, targets: 'all-linear' }).adapter).toBeGreaterThan(4 * m.adapter);
  });
});

describe('timeEstimate', () => {
  const run = (over: Partial<MeasuredRun>): MeasuredRun => ({ out: 'a', model: 'm', datanet: 'd1', examplesPerStep: 4, secondsPerStep: 0.5, tokensPerSecond: 1000, ...over });

  it('is null without a measured run on the same base model', () => {
    expect(timeEstimate({ model: 'm', datanet: 'd1', steps: 10, examplesPerStep: 4 }, [])).toBeNull();
    expect(timeEstimate({ model: 'm', datanet: 'd1', steps: 10, examplesPerStep: 4 }, [run({ model: 'other' })])).toBeNull();
  });

  it('scales the measured seconds per step by examples per step, preferring a run on the same datanet', () => {
    const measured = [run({ out: 'other-data', datanet: 'd2', secondsPerStep: 9 }), run({ out: 'same', secondsPerStep: 0.5, examplesPerStep: 4 })];
    const t = timeEstimate({ model: 'm', datanet: 'd1', steps: 100, examplesPerStep: 8 }, measured)!;
    expect(t.seconds).toBe(100 * 0.5 * 2);
    expect(t.basis).toMatch(/^from run same \(0\.50 s per step of 4 examples, 1,000 tokens\/s\)$/);
    const elsewhere = timeEstimate({ model: 'm', datanet: 'd3', steps: 10, examplesPerStep: 4 }, measured)!;
    expect(elsewhere.seconds).toBe(90);
    expect(elsewhere.basis).toContain('on another datanet');
  });

  it('measures seconds per step over a segment of points', () => {
    expect(secondsPerStep([])).toBeNull();
    expect(secondsPerStep([{ step: 1, at: 1000 }])).toBeNull();
    expect(secondsPerStep([{ step: 10, at: 1000 }, { step: 30, at: 5000 }])).toBe(0.2);
  });
});

describe('presets and limits', () => {
  it('offers only values the backend accepts, and names what is out of range', () => {
    for (const preset of Object.values(PRESETS)) expect(problems(preset.values)).toEqual({});
    const rank = NUMBER_LIMITS.find((l) => l.key === 'rank')!;
    expect(limitProblem(rank, 0)).toBe('Rank must be between 1 and 256.');
    expect(limitProblem(rank, 2.5)).toBe('Rank must be a whole number.');
    expect(limitProblem(rank, Number.NaN)).toBe('Rank must be a number.');
    const bad = problems({ ...PRESETS.quick.values, lr: 2, steps: 0 });
    expect(Object.keys(bad).sort()).toEqual(['lr', 'steps']);
    expect(bad.lr).toBe('Learning rate must be between 0.000001 and 1.');
  });
});

const point = (step: number, segment = 0, at = step * 100): RunPoint => ({ step, loss: 5 - step / 100, tokensPerSecond: 1000, at, segment });

describe('the recorded curve', () => {
  it('takes a point only when the step moves on within a job, and a resumed job starts its own segment', () => {
    let points: RunPoint[] = [];
    points = withPoint(points, point(0));
    expect(points).toEqual([]);
    points = withPoint(points, point(5));
    points = withPoint(points, point(5));
    points = withPoint(points, point(9));
    expect(points.map((p) => p.step)).toEqual([5, 9]);
    // The resume goes back to its checkpoint, step 7: a new segment, kept.
    points = withPoint(points, point(7, 1, 5000));
    expect(points.map((p) => `${p.segment}:${p.step}`)).toEqual(['0:5', '0:9', '1:7']);
  });

  it('keeps evals in step order, a repeated step replaced', () => {
    let evals = withEval([], { step: 20, loss: 3 });
    evals = withEval(evals, { step: 10, loss: 4 });
    evals = withEval(evals, { step: 20, loss: 2.5 });
    expect(evals).toEqual([
      { step: 10, loss: 4 },
      { step: 20, loss: 2.5 },
    ]);
  });
});

const job = (over: Partial<Job> & Pick<Job, 'id' | 'state'>): Job =>
  ({
    kind: 'training',
    title: 'Train r1 (m on Sums v1)',
    progress: { done: 10, total: 100, unit: 'steps', rate: null, etaSeconds: null, detail: null, counts: { loss: 2, tokensPerSecond: 500 } },
    createdAt: 1,
    updatedAt: 2,
    ...over,
  }) as Job;

describe('historyRows', () => {
  const datanets = [{ id: 'dn_1', name: 'Sums' }] as unknown as Parameters<typeof historyRows>[3];

  it("merges a recorded run with its newest job: the job's state, the record's input for Resume", () => {
    const record: RunRecord = { ...newRecord('r1', { model: 'm', datanet: 'dn_1', out: 'r1', steps: 100, rank: 4, batch: 2 }, 'Sums'), jobIds: ['job_old', 'job_new'], points: [point(5)] };
    const rows = historyRows([record], [job({ id: 'job_old', state: 'cancelled', createdAt: 1 }), job({ id: 'job_new', state: 'interrupted', createdAt: 5 })], [], datanets);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ out: 'r1', model: 'm', datanet: 'Sums', state: 'interrupted', done: 10, total: 100, installed: false, metrics: { trainLoss: 2, tokensPerSecond: 500 } });
    expect(rows[0]!.resumeInput).toBe(record.input);
    expect(rows[0]!.config).toMatchObject({ model: 'm', steps: 100, rank: 4 });
    expect(rows[0]!.config).not.toHaveProperty('out');
  });

  it("lists a command-line run by its job's title and an installed adapter by its lineage, neither resumable", () => {
    const adapter = {
      name: 'cli-run',
      base: 'm',
      lineage: { datanet: 'dn_1', version: 2, root: '0x', examples: 9, hyperparameters: { model: 'm', datanet: 'Sums', steps: 30, rank: 8 }, metrics: { steps: 30, trainLoss: 1.5 }, trainedAt: 9 },
    } as unknown as Adapter;
    const rows = historyRows([], [job({ id: 'job_x', state: 'succeeded', title: 'Train cli-run (m on Sums v2)', updatedAt: 10 })], [adapter], datanets);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ out: 'cli-run', datanet: 'Sums', version: 2, state: 'succeeded', installed: true, resumeInput: null, metrics: { trainLoss: 1.5, examples: 9 } });
    expect(rows[0]!.metrics).not.toHaveProperty('steps');
  });

  it('measures only runs with an input and two points of their newest job', () => {
    const withInput = { ...newRecord('a', { model: 'm', datanet: 'dn_1', out: 'a', batch: 2, gradAccum: 3 }, 'Sums'), points: [point(5, 0, 0), point(10, 1, 1000), point(20, 1, 3000)] };
    const without = { ...newRecord('b', null, ''), points: [point(1), point(2)] };
    expect(measuredRuns([withInput, without])).toEqual([{ out: 'a', model: 'm', datanet: 'dn_1', examplesPerStep: 6, secondsPerStep: 0.2, tokensPerSecond: 1000 }]);
  });
});

describe('runs from the backend (training.runs)', () => {
  const datanets = [{ id: 'dn_1', name: 'Sums' }] as unknown as Parameters<typeof historyRows>[3];
  const input = { model: 'm', datanet: 'dn_1', out: 'cli', version: 'latest', steps: 100, rank: 4, lr: 0.01 } as TrainingRun['input'];
  const run = (over: Partial<TrainingRun> = {}): TrainingRun => ({
    out: 'cli',
    input,
    state: 'interrupted',
    job: null,
    checkpoint: { step: 40, totalSteps: 100, at: 50 },
    losses: [
      { step: 1, loss: 3 },
      { step: 40, loss: 1.25 },
    ],
    evals: [{ step: 20, loss: 1.5 }],
    adapter: null,
    startedAt: 10,
    updatedAt: 50,
    ...over,
  });

  it('lists a run started elsewhere with its checkpoint, resumable with the input in its folder', () => {
    const rows = historyRows([], [], [], datanets, [run()]);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ out: 'cli', model: 'm', datanet: 'Sums', state: 'interrupted', done: 40, total: 100, openable: true, at: 50, metrics: { trainLoss: 1.25, evalLoss: 1.5 } });
    expect(rows[0]!.resumeInput).toBe(input);
    expect(rows[0]!.metrics).not.toHaveProperty('tokensPerSecond');
  });

  it("prefers a fresher job from the events to the run's copy, and never resumes a run whose adapter is installed", () => {
    const stale = job({ id: 'job_a', state: 'running', title: 'Train cli (m on Sums v1)', createdAt: 5, updatedAt: 6 });
    const fresh = job({ id: 'job_a', state: 'cancelled', title: 'Train cli (m on Sums v1)', createdAt: 5, updatedAt: 60 });
    const [row] = historyRows([], [fresh], [], datanets, [run({ job: stale, state: 'running' })]);
    expect(row).toMatchObject({ state: 'cancelled', at: 60 });
    expect(row!.resumeInput).toBe(input);
    const [done] = historyRows([], [], [], datanets, [run({ state: 'succeeded', adapter: 'cli' })]);
    expect(done).toMatchObject({ state: 'succeeded', resumeInput: null });
  });

  it("draws the checkpoint's curve until this window has recorded one of its own", () => {
    const fromRun = recordFromRun(run(), 'Sums');
    expect(fromRun).toMatchObject({ out: 'cli', input, state: 'interrupted', done: 40, total: 100, jobIds: [], evals: [{ step: 20, loss: 1.5 }] });
    expect(fromRun.points.map((p) => [p.step, p.loss, p.tokensPerSecond])).toEqual([
      [1, 3, null],
      [40, 1.25, null],
    ]);
    // No speed is measured from points read back from a checkpoint.
    expect(measuredRuns([fromRun])).toEqual([]);
    const empty = newRecord('cli', input, 'Sums');
    expect(shownRecord(empty, run(), '')!.points).toHaveLength(2);
    const drawn = { ...empty, points: [point(41)] };
    expect(shownRecord(drawn, undefined, '')).toBe(drawn);
    expect(shownRecord(undefined, undefined, '')).toBeUndefined();
  });

  it("merges the checkpoint's history into a curve this window began recording mid-run", () => {
    // The window began listening at step 38; the checkpoint keeps steps 1 to 40.
    const losses = Array.from({ length: 40 }, (_, i) => ({ step: i + 1, loss: 4 - i / 20 }));
    const live = { ...newRecord('cli', input, 'Sums'), jobIds: ['job_a'], points: [point(38), point(39), point(40), point(42)], evals: [{ step: 40, loss: 1.1 }] };
    const shown = shownRecord(live, run({ losses, evals: [{ step: 20, loss: 1.5 }, { step: 40, loss: 1.2 }] }), '')!;
    // Every step once, in order: the history, then this window's points (its own where both have one).
    expect(shown.points.map((p) => p.step)).toEqual([...Array.from({ length: 37 }, (_, i) => i + 1), 38, 39, 40, 42]);
    expect(shown.points.slice(-4)).toEqual(live.points);
    expect(shown.evals).toEqual([{ step: 20, loss: 1.5 }, { step: 40, loss: 1.1 }]);
    // The newest point is still this window's, and the speed is measured from its points alone.
    expect(shown.points.at(-1)).toBe(live.points.at(-1));
    expect(measuredRuns([shown])[0]?.secondsPerStep).toBe(0.1);
    // Nothing to add: the record as it is.
    expect(shownRecord(shown, run({ losses }), '')).toBe(shown);
  });
});

describe('compareRuns', () => {
  it('lists every setting and metric of either run, the differing ones marked', () => {
    const rows = historyRows(
      [
        { ...newRecord('a', { model: 'm', datanet: 'dn_1', out: 'a', steps: 10, rank: 4 }, 'Sums'), jobIds: ['job_a'] },
        { ...newRecord('b', { model: 'm', datanet: 'dn_1', out: 'b', steps: 10, rank: 8, lr: 0.01 }, 'Sums'), jobIds: ['job_b'] },
      ],
      [job({ id: 'job_a', state: 'succeeded' }), job({ id: 'job_b', state: 'succeeded', progress: { done: 10, total: 10, unit: 'steps', rate: null, etaSeconds: null, detail: null, counts: { loss: 1 } } })],
      [],
      [{ id: 'dn_1', name: 'Sums' }] as unknown as Parameters<typeof historyRows>[3],
    );
    const a = rows.find((r) => r.out === 'a')!;
    const b = rows.find((r) => r.out === 'b')!;
    const { settings, metrics } = compareRuns(a, b);
    const byKey = Object.fromEntries(settings.map((d) => [d.key, d]));
    expect(byKey.rank).toEqual({ key: 'rank', label: 'Rank', a: 4, b: 8, differs: true });
    expect(byKey.lr).toEqual({ key: 'lr', label: 'Learning rate', a: undefined, b: 0.01, differs: true });
    expect(byKey.steps!.differs).toBe(false);
    expect(byKey.datanet).toEqual({ key: 'datanet', label: 'Datanet', a: 'Sums', b: 'Sums', differs: false });
    expect(metrics.find((d) => d.key === 'trainLoss')).toEqual({ key: 'trainLoss', label: 'Train loss', a: 2, b: 1, differs: true });
    // Listed by the names a person reads, and a key nobody named stays as it is.
    expect(settings.map((d) => d.label)).toEqual([...settings.map((d) => d.label)].sort((p, q) => p.localeCompare(q)));
    expect(settings.filter((d) => d.label === d.key)).toEqual([]);
  });
});
