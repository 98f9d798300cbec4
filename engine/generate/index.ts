export { Generator, type GeneratorOptions, type StreamEvent } from './generator';
export type { FinishReason, Generation, TokenEvent } from './decode-loop';
export type { GenerateOptions, GenerationDefaults, SamplingOptions } from './options';
export { BatchScheduler, QueueFullError, type ForwardPass, type SchedulerOptions, type SchedulerStats } from './batch-scheduler';
export { adapterShape, BASE_SHAPE, settingsShape, widerShape, type LoraShape } from './lora-slots';
export type { RowEvent } from './row-state';
export { mergeAdapter } from './merge-adapter';
export { applyRepetitionPenalty, applyTemperature, applyTopK, applyTopP, argmax, chooseToken, sample, type TokenChoice } from './logits-processors';
export { TextStream } from './text-stream';
