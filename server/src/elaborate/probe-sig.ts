/**
 * The `-p2` signature line of a derived probe: elaborate.cxx `derived_probe::printsig` and
 * `printsig_nested`. It is the final location (probe_point::print, with `?`/`!` and the
 * condition as resolved, so global names print mangled), the builder's own suffix
 * (kprobe_derived_probe ` /*  name = sys_open*\/`, dwarf ` /* pc=… *\/`), then the derivation
 * chain in one comment: ` /* <- BASE *\/`, where an alias level prints its alias signature
 * (`name = loc1, loc2`) followed by ` <- ` and its own base, down to the written probe's
 * locations joined by `,`.
 */
import { printProbeAliasSig, printProbePoint, printProbeSig } from '../dump/p1';
import type { DerivedProbe, ProbeOrigin } from './model';

/** `base->printsig` down the chain: alias levels then the written probe. */
export function originSignature(o: ProbeOrigin): string {
  const parts: string[] = [];
  let cur: ProbeOrigin = o;
  // The chain is as deep as the alias expansion (bounded there); iterate rather than recurse.
  while (cur.kind === 'alias') {
    parts.push(printProbeAliasSig(cur.alias));
    cur = cur.base;
  }
  parts.push(printProbeSig(cur.probe));
  return parts.join(' <- ');
}

/** The full `-p2` probe line (without the locals). */
export function derivedProbeSignature(dp: DerivedProbe): string {
  return `${printProbePoint(dp.location)}${dp.sigSuffix} /* <- ${originSignature(dp.origin)} */`;
}
