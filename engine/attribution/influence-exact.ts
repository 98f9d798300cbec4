/**
 * Exact influence, the reference DataInf approximates, for small cases where the whole gradient
 * fits: score_k = vᵀ(G + Λ)⁻¹ g_k with G = (1/n) Σ_i g_i g_iᵀ the empirical Fisher (Gauss–Newton)
 * over the stored gradients and Λ a diagonal damping (DataInf's λ_l on the coordinates of layer l).
 * The inverse is applied by Cholesky, in the smaller of two spaces: the parameters' (D × D) or,
 * when there are fewer examples than parameters, the examples' through Woodbury's identity
 * (Λ + XᵀX/n)⁻¹ = Λ⁻¹ − Λ⁻¹Xᵀ(nI + XΛ⁻¹Xᵀ)⁻¹XΛ⁻¹, X the [n, D] matrix of gradients.
 */

/** Lower-triangular L with A = LLᵀ, in place over a symmetric positive definite [m, m] matrix. */
export function cholesky(a: Float64Array, m: number): Float64Array {
  for (let j = 0; j < m; j++) {
    let d = a[j * m + j]!;
    for (let k = 0; k < j; k++) d -= a[j * m + k]! * a[j * m + k]!;
    if (!(d > 0)) throw new Error(`cholesky: the matrix is not positive definite (pivot ${j} is ${d})`);
    const ljj = Math.sqrt(d);
    a[j * m + j] = ljj;
    for (let i = j + 1; i < m; i++) {
      let s = a[i * m + j]!;
      for (let k = 0; k < j; k++) s -= a[i * m + k]! * a[j * m + k]!;
      a[i * m + j] = s / ljj;
    }
    for (let k = j + 1; k < m; k++) a[j * m + k] = 0;
  }
  return a;
}

/** x with LLᵀx = b. */
export function choleskySolve(l: Float64Array, m: number, b: Float64Array): Float64Array {
  const y = Float64Array.from(b);
  for (let i = 0; i < m; i++) {
    let s = y[i]!;
    for (let k = 0; k < i; k++) s -= l[i * m + k]! * y[k]!;
    y[i] = s / l[i * m + i]!;
  }
  for (let i = m - 1; i >= 0; i--) {
    let s = y[i]!;
    for (let k = i + 1; k < m; k++) s -= l[k * m + i]! * y[k]!;
    y[i] = s / l[i * m + i]!;
  }
  return y;
}

/**
 * (XᵀX/n + diag(damping))⁻¹ v for X [n, D] row-major (rows: per-example gradients).
 */
export function inverseFisherProduct(x: Float64Array | Float32Array, n: number, dims: number, damping: Float64Array, v: Float64Array): Float64Array {
  if (x.length !== n * dims || damping.length !== dims || v.length !== dims) throw new Error('inverseFisherProduct: sizes do not agree');
  if (dims <= n) {
    const h = new Float64Array(dims * dims);
    for (let i = 0; i < n; i++) {
      const row = i * dims;
      for (let p = 0; p < dims; p++) {
        const xp = x[row + p]! / n;
        if (xp === 0) continue;
        for (let q = 0; q <= p; q++) h[p * dims + q]! += xp * x[row + q]!;
      }
    }
    for (let p = 0; p < dims; p++) {
      h[p * dims + p]! += damping[p]!;
      for (let q = 0; q < p; q++) h[q * dims + p] = h[p * dims + q]!;
    }
    return choleskySolve(cholesky(h, dims), dims, v);
  }
  // Woodbury: u = Λ⁻¹v − Λ⁻¹Xᵀ (nI + XΛ⁻¹Xᵀ)⁻¹ X Λ⁻¹ v.
  const lv = Float64Array.from(v, (vi, p) => vi / damping[p]!);
  const k = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let p = 0; p < dims; p++) s += (x[i * dims + p]! * x[j * dims + p]!) / damping[p]!;
      k[i * n + j] = s;
      k[j * n + i] = s;
    }
    k[i * n + i]! += n;
  }
  const xlv = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let p = 0; p < dims; p++) s += x[i * dims + p]! * lv[p]!;
    xlv[i] = s;
  }
  const z = choleskySolve(cholesky(k, n), n, xlv);
  const u = Float64Array.from(lv);
  for (let i = 0; i < n; i++) {
    const zi = z[i]!;
    for (let p = 0; p < dims; p++) u[p]! -= (x[i * dims + p]! * zi) / damping[p]!;
  }
  return u;
}

export interface ExactBlocks {
  /** Per block: [n, d_l] gradients. */
  values: readonly (Float32Array | Float64Array)[];
  dims: readonly number[];
}

/** Blocks side by side: [n, Σd_l]. */
function concatBlocks(blocks: ExactBlocks, n: number): { x: Float64Array; total: number; offsets: number[] } {
  const offsets: number[] = [];
  let total = 0;
  for (const d of blocks.dims) {
    offsets.push(total);
    total += d;
  }
  const x = new Float64Array(n * total);
  blocks.values.forEach((vals, l) => {
    const d = blocks.dims[l]!;
    for (let i = 0; i < n; i++) for (let p = 0; p < d; p++) x[i * total + offsets[l]! + p] = vals[i * d + p]!;
  });
  return { x, total, offsets };
}

/**
 * Exact influence of every example on a query: vᵀ(G + Λ)⁻¹g_k with λ_l per block.
 * `blockDiagonal`: G restricted to its diagonal blocks (DataInf's structure, so its only remaining
 * approximation is the swap); otherwise the full Fisher over all LoRA parameters.
 */
export function exactInfluence(blocks: ExactBlocks, n: number, lambdas: Float64Array, query: readonly (Float32Array | Float64Array)[], blockDiagonal: boolean): Float64Array {
  const scores = new Float64Array(n);
  if (blockDiagonal) {
    blocks.values.forEach((vals, l) => {
      const d = blocks.dims[l]!;
      if (!(lambdas[l]! > 0)) return;
      const u = inverseFisherProduct(vals, n, d, new Float64Array(d).fill(lambdas[l]!), Float64Array.from(query[l]!));
      for (let i = 0; i < n; i++) {
        let s = 0;
        for (let p = 0; p < d; p++) s += u[p]! * vals[i * d + p]!;
        scores[i]! += s;
      }
    });
    return scores;
  }
  const { x, total, offsets } = concatBlocks(blocks, n);
  const damping = new Float64Array(total);
  const v = new Float64Array(total);
  blocks.dims.forEach((d, l) => {
    damping.fill(lambdas[l]!, offsets[l], offsets[l]! + d);
    v.set(query[l]!, offsets[l]);
  });
  const u = inverseFisherProduct(x, n, total, damping, v);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let p = 0; p < total; p++) s += u[p]! * x[i * total + p]!;
    scores[i] = s;
  }
  return scores;
}
