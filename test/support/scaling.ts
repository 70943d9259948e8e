/**
 * Linear-time guards that hold on a loaded 2-core machine: CPU time of this process (wall time is
 * stretched by whatever else runs), the two sizes timed alternately, five times each after a warm-up
 * of both, the fastest of each compared; sizes large enough that a run takes a tenth of a second or
 * more (below that, garbage collection and the JIT decide the ratio). Quadratic work gives a ratio near 4 when the size doubles, linear work
 * near 2: guards assert the ratio stays under 2.6.
 */
export const LINEAR_DOUBLING_BOUND = 2.6;

/** CPU seconds (user + system) `run` takes. */
export function cpuSeconds(run: () => void): number {
  const t0 = process.cpuUsage();
  run();
  const d = process.cpuUsage(t0);
  return (d.user + d.system) / 1e6;
}

/** The fastest `large` run over the fastest `small` run, with both timings for a failure message. */
export function doublingRatio(
  small: () => void,
  large: () => void,
  runs = 5,
): { ratio: number; small: number; large: number } {
  // warm-up of both sizes: modules, indexes, the JIT's optimised code for each size's paths
  small();
  large();
  const s: number[] = [];
  const l: number[] = [];
  for (let i = 0; i < runs; i++) {
    s.push(cpuSeconds(small));
    l.push(cpuSeconds(large));
  }
  const fastest = { small: Math.min(...s), large: Math.min(...l) };
  return { ratio: fastest.large / fastest.small, ...fastest };
}
