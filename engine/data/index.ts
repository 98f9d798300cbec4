export * from './records';
export * from './templates';
export * from './examples';
export * from './packing';
export * from './split';
export * from './batches';
