export * from './modules';
export * from './adapter';
export * from './peft-config';
export * from './peft-files';
