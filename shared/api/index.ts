export * from './contract';
export * from './errors';
export * from './schemas/common';
export * from './schemas/datanets';
export * from './schemas/jobs';
export * from './schemas/settings';
export * from './schemas/status';
export * from './schemas/system';
