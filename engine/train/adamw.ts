/**
 * AdamW as torch.optim.AdamW computes it (torch/optim/adamw.py, _single_tensor_adamw, non-amsgrad),
 * over plain typed arrays: the LoRA tensors live in JS between ONNX Runtime calls, and a step is a
 * few passes over a few hundred thousand numbers, which JS does in well under a millisecond.
 *
 * Same defaults (lr 1e-3, betas 0.9/0.999, eps 1e-8, weight_decay 1e-2) and the same order of
 * operations: decoupled decay first (p *= 1 - lr·wd), then the moments, then
 * p -= lr/(1-β1^t) · m / (sqrt(v)/sqrt(1-β2^t) + eps). For Float32Array parameters every
 * intermediate is rounded to float32 as torch's float32 kernels round it, so a run matches
 * PyTorch's to float32 rounding rather than drifting; Float64Array parameters compute in float64.
 */

export type FloatArray = Float32Array | Float64Array;

export interface AdamWOptions {
  lr?: number;
  beta1?: number;
  beta2?: number;
  eps?: number;
  weightDecay?: number;
}

export const ADAMW_DEFAULTS: Required<AdamWOptions> = { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 1e-2 };

export interface NamedParam {
  name: string;
  data: FloatArray;
}

const identity = (x: number): number => x;

export class AdamW {
  readonly options: Required<AdamWOptions>;
  /** Steps taken (torch's state['step']); bias correction uses it. */
  step = 0;
  /** First and second moments, one per parameter, of the parameter's array type. */
  readonly expAvg: FloatArray[];
  readonly expAvgSq: FloatArray[];

  constructor(
    readonly params: readonly NamedParam[],
    options: AdamWOptions = {},
  ) {
    this.options = { ...ADAMW_DEFAULTS, ...options };
    const { lr, beta1, beta2, eps, weightDecay } = this.options;
    if (!(lr >= 0)) throw new Error(`adamw: lr must be ≥ 0, got ${lr}`);
    if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) throw new Error(`adamw: betas must be in [0, 1), got ${beta1}, ${beta2}`);
    if (!(eps >= 0)) throw new Error(`adamw: eps must be ≥ 0, got ${eps}`);
    if (!(weightDecay >= 0)) throw new Error(`adamw: weightDecay must be ≥ 0, got ${weightDecay}`);
    const names = new Set<string>();
    for (const p of params) {
      if (names.has(p.name)) throw new Error(`adamw: parameter ${JSON.stringify(p.name)} is given twice`);
      names.add(p.name);
    }
    const like = (p: NamedParam): FloatArray => (p.data instanceof Float32Array ? new Float32Array(p.data.length) : new Float64Array(p.data.length));
    this.expAvg = params.map(like);
    this.expAvgSq = params.map(like);
  }

  /**
   * One update with these gradients (one per parameter, in the same order and lengths). `lr`
   * overrides the learning rate for this step (the schedule's value); weight decay uses it too,
   * as torch's does when a scheduler changes the group's lr.
   */
  update(grads: readonly FloatArray[], lr = this.options.lr): void {
    if (grads.length !== this.params.length) throw new Error(`adamw: ${grads.length} gradients for ${this.params.length} parameters`);
    grads.forEach((g, i) => {
      const p = this.params[i]!;
      if (g.length !== p.data.length) throw new Error(`adamw: gradient of ${p.name} has ${g.length} elements, the parameter ${p.data.length}`);
    });
    const { beta1, beta2, eps, weightDecay } = this.options;
    this.step += 1;
    for (let i = 0; i < this.params.length; i++) {
      const param = this.params[i]!.data;
      const r = param instanceof Float32Array ? Math.fround : identity;
      // torch computes these scalars in Python floats (float64), then each tensor op rounds.
      const decay = 1 - lr * weightDecay;
      const biasCorrection1 = 1 - beta1 ** this.step;
      const biasCorrection2 = 1 - beta2 ** this.step;
      const stepSize = lr / biasCorrection1;
      const bc2Sqrt = Math.sqrt(biasCorrection2);
      const b1 = r(beta1), oneMinusB1 = r(1 - beta1), b2 = r(beta2), oneMinusB2 = r(1 - beta2);
      const decayR = r(decay), epsR = r(eps), bc2SqrtR = r(bc2Sqrt), negStep = r(-stepSize);
      const g = grads[i]!;
      const m = this.expAvg[i]!;
      const v = this.expAvgSq[i]!;
      for (let k = 0; k < param.length; k++) {
        const gk = g[k]!;
        const p = r(param[k]! * decayR);
        // torch 1.13 (Debian's) writes exp_avg.mul_(β1).add_(g, alpha=1-β1); newer versions
        // lerp_(g, 1-β1), the same value up to a rounding.
        const mk = r(r(m[k]! * b1) + r(oneMinusB1 * gk));
        const vk = r(r(v[k]! * b2) + r(r(oneMinusB2 * gk) * gk));
        const denom = r(r(r(Math.sqrt(vk)) / bc2SqrtR) + epsR);
        m[k] = mk;
        v[k] = vk;
        param[k] = r(p + r(negStep * r(mk / denom)));
      }
    }
  }
}
