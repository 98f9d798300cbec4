export { GraphBuilder, OPSET, type OpNode, type TensorData, type Value } from './builder';
export { grad, type GradOptions } from './autodiff';
export { causalMask, crossEntropy, gelu, layerNorm, linear, ropeTables, rmsNorm, rotary, silu } from './nn';
export { GRAD_RULES } from './rules/index';
export { ShapeError } from './shape';
export { isFloat, toHalf, type DType } from './dtype';
