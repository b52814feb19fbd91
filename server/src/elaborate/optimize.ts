/** PLACEHOLDER while pass 2 is being built: replaced by the real step. */
import type { Elaboration } from './model';

export function semanticPassOptimize1(_e: Elaboration): void {}
export function semanticPassOptimize2(_e: Elaboration): void {}
