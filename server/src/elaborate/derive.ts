/** PLACEHOLDER while pass 2 is being built: replaced by the real step. */
import type { Probe, StapFile } from '../ast/staptree';
import type { DerivedProbe, Elaboration } from './model';

/** elaborate.cxx `derive_probes`: the derived probes of one written probe (errors are reported on `e`). */
export function deriveProbes(_e: Elaboration, _probe: Probe, _file: StapFile): DerivedProbe[] {
  return [];
}
