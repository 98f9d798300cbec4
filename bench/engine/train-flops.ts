/**
 * The arithmetic one LoRA training step of a GPT-2-shaped model needs, counted from its shapes
 * (multiply-adds × 2; matrix products only — the elementwise work is a few percent and bound by
 * memory, not arithmetic): the forward pass, and the backward pass through the activations from
 * the loss down to the earliest LoRA tensor. The frozen weights get no gradients, so there are no
 * weight-gradient products except the small LoRA ones; layer 0's input gets no gradient either.
 */
export interface StepShape {
  layers: number;
  hidden: number;
  inner: number;
  vocab: number;
  /** Tokens in the step (batch × sequence). */
  tokens: number;
  /** Sequence length (the attention's T). */
  seq: number;
  rank: number;
}

export interface StepFlops {
  forward: number;
  backward: number;
  total: number;
}

export function gpt2LoraStepFlops(s: StepShape): StepFlops {
  const { layers, hidden: h, inner, vocab, tokens: n, seq, rank: r } = s;
  const mm = (m: number, k: number, cols: number) => 2 * m * k * cols;
  const batches = n / seq;
  // Scores Q·Kᵀ and probabilities·V over every head: 2·T·T·H each per sequence (full T×T, as both runtimes compute it).
  const attention = 2 * batches * mm(seq, h, seq);
  const lora = mm(n, h, r) + mm(n, r, 3 * h);
  const perLayer = mm(n, h, 3 * h) + attention + mm(n, h, h) + mm(n, h, inner) + mm(n, inner, h) + lora;
  const head = mm(n, h, vocab);
  const forward = layers * perLayer + head;
  // Backward: dX of every product on the path (the same cost as its forward), both operands of
  // the two attention products, and the LoRA tensors' own gradients (dA, dB) plus dX through them.
  const loraBackward = mm(r, n, h) + mm(3 * h, n, r) + lora;
  const dense = (first: boolean) => (first ? 0 : mm(n, 3 * h, h)) + 2 * attention + mm(n, h, h) + mm(n, h, inner) + mm(n, inner, h) + loraBackward;
  let backward = head;
  for (let i = 0; i < layers; i++) backward += dense(i === 0);
  return { forward, backward, total: forward + backward };
}
