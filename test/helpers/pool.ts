/**
 * Runs async jobs with bounded concurrency (tests that start many stap processes on 2 cores).
 */

/** Runs `jobs` with at most `limit` at a time; the results are in the order of the jobs. */
export async function pool<T>(jobs: (() => Promise<T>)[], limit = 2): Promise<T[]> {
  const results: T[] = new Array(jobs.length);
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const i = next++;
      results[i] = await jobs[i]();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, jobs.length) }, worker));
  return results;
}
