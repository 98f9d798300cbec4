/**
 * Tokenizers loaded once and shared by the attribution services' queries. A failed load is not
 * kept: the next query tries again (the model folder may have been fixed).
 */
import { loadTokenizer } from '../../../engine/tokenize/load';
import type { Tokenizer } from '../../../engine/tokenize/tokenizer';

export class Tokenizers {
  private readonly loading = new Map<string, Promise<Tokenizer>>();

  /** The tokenizer of a model folder, loaded once per `key` (by default the folder). */
  get(modelDir: string, key = modelDir): Promise<Tokenizer> {
    let loading = this.loading.get(key);
    if (!loading) {
      loading = loadTokenizer(modelDir);
      loading.catch(() => this.loading.delete(key));
      this.loading.set(key, loading);
    }
    return loading;
  }
}
