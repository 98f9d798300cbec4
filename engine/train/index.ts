export * from './prng';
export * from './adamw';
export * from './gradients';
export * from './schedule';
export * from './optimizer-state';
