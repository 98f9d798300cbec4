import path from 'node:path';
import { FolderStore } from '../models/folder-store';

/** The files a feature-extraction model folder must hold, as transformers.js reads them. */
export const REQUIRED_FILES = ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'onnx/model.onnx'] as const;
/** Read when present (special tokens, weights stored beside the graph). */
export const OPTIONAL_FILES = ['special_tokens_map.json', 'onnx/model.onnx_data'] as const;

/** Embedding models, installed under `<dataDir>/models/embeddings/<name>/`. */
export function embeddingModels(dataDir: string): FolderStore {
  return new FolderStore(path.join(dataDir, 'models', 'embeddings'), {
    noun: 'embedding model',
    files: (view) => ({
      copy: [...REQUIRED_FILES, ...OPTIONAL_FILES].filter((f) => view.has(f)),
      missing: REQUIRED_FILES.filter((f) => !view.has(f)),
    }),
    folders: ['onnx'],
    expected: `A model folder holds ${REQUIRED_FILES.join(', ')}, as a Hugging Face repository with ONNX weights does (e.g. Xenova/all-MiniLM-L6-v2).`,
  });
}
