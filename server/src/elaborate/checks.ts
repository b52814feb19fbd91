/** PLACEHOLDER while pass 2 is being built: replaced by the real step. */
import type { Elaboration } from './model';

export function semanticPassVars(_e: Elaboration): void {}
export function semanticPassStats(_e: Elaboration): void {}
