import { elementwiseRules } from './elementwise';
import { linalgRules } from './linalg';
import type { GradRule } from './rule';
import { shapeRules } from './shapes';

/** Every op autodiff can differentiate through, by ONNX op type. */
export const GRAD_RULES: Readonly<Record<string, GradRule>> = { ...elementwiseRules, ...shapeRules, ...linalgRules };
