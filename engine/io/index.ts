export * from './dtypes';
export * from './half';
export * from './safetensors-header';
export * from './safetensors-file';
export * from './safetensors-write';
export * from './checkpoint';
