/** PLACEHOLDER while pass 2 is being built: replaced by the real step. */
import type { Elaboration } from './model';

export function buildFunctionTable(_e: Elaboration): void {}
