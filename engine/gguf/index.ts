export { exportGguf, type ExportGgufOptions, type ExportGgufResult, type GgufExportKind } from './export';
export { EXPORT_TYPES, type ExportType } from './format';
export { readGgufInfo, readGgufTensor, type GgufFileInfo, type GgufTensorInfo } from './reader';
