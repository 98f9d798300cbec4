export { Generator, type GeneratorOptions, type StreamEvent } from './generator';
export type { FinishReason, Generation, TokenEvent } from './decode-loop';
export type { GenerateOptions, GenerationDefaults, SamplingOptions } from './options';
export { mergeAdapter } from './merge-adapter';
export { applyRepetitionPenalty, applyTemperature, applyTopK, applyTopP, argmax, chooseToken, sample, type TokenChoice } from './logits-processors';
export { TextStream } from './text-stream';
