/** The ONNX Runtime execution providers the engine knows how to ask for. */
export type ExecutionProvider = 'cpu' | 'webgpu' | 'cuda' | 'dml' | 'coreml';

/** What a caller may ask for: a provider, or 'auto' for the best one that works here. */
export type ProviderChoice = ExecutionProvider | 'auto';

/** Best first: the order 'auto' tries them in. CPU last, because it always works. */
export const EXECUTION_PROVIDERS: readonly ExecutionProvider[] = ['cuda', 'dml', 'coreml', 'webgpu', 'cpu'];

export function isExecutionProvider(name: string): name is ExecutionProvider {
  return (EXECUTION_PROVIDERS as readonly string[]).includes(name);
}

/** A provider name from a person (a flag, a setting): an error that lists the choices otherwise. */
export function parseProviderChoice(text: string, source = 'provider'): ProviderChoice {
  const name = text.trim().toLowerCase();
  if (name === 'auto' || isExecutionProvider(name)) return name;
  throw new Error(`${source} ${JSON.stringify(text)}: not an execution provider (auto, ${EXECUTION_PROVIDERS.join(', ')})`);
}
