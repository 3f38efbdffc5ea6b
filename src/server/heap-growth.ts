import v8 from 'node:v8';

const FLAG = '--heap-growing-percent';

/**
 * Caps how far V8 lets the old generation grow past what the last full collection kept before it
 * runs the next one. Left to itself, V8 allows up to four times the live heap on a host with much
 * memory: a push to 100,000 devices (about 46 MB live, short-lived request objects promoted while
 * in flight) took the server from 148 to 312 MiB resident, garbage waiting for a collection. At
 * 100 % (the default) the same push rises by 62–65 MiB, at the same speed and CPU.
 *
 * Not lower: buffers (file uploads and downloads) count towards the size that starts a full
 * collection, and with a small live heap a tight cap makes buffer traffic start one every few
 * tens of MB. At 50 % the server's 1 MiB downloads cost 3.9 instead of 1.4 ms of CPU each and its
 * uploads 7.6 instead of 5.7 (V8's worker threads busy marking); at 100 % they cost what they
 * cost without the cap. Figures in bench/README.md ("The push benchmark").
 *
 * V8 reads this flag at every full collection, so setting it after start-up takes effect. A value
 * given to node itself (`--heap-growing-percent` in its arguments or NODE_OPTIONS) wins. 0 leaves
 * V8's own choice. Returns whether the flag was set.
 */
export function limitHeapGrowth(percent: number, execArgv = process.execArgv, nodeOptions = process.env.NODE_OPTIONS ?? ''): boolean {
  if (percent <= 0) return false;
  // V8 takes its flags with dashes or underscores.
  const given = (arg: string) => {
    const name = arg.split('=')[0].replaceAll('_', '-');
    return name === FLAG;
  };
  if (execArgv.some(given) || nodeOptions.split(/\s+/).some(given)) return false;
  v8.setFlagsFromString(`${FLAG}=${percent}`);
  return true;
}
