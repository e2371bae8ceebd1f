// V8's default heap policy lets garbage grow far past what is live before a major GC: a scan
// of a hostile site (5 MiB answers everywhere, bombs, floods) holds about 70 MiB live but reached
// a peak RSS of 360-390 MiB, most of it dead 5 MiB strings in large-object space waiting for the
// next collection. --optimize-for-size makes V8 collect sooner (smaller growing factor and young
// generation): peak RSS 175-192 MiB on the same benchmark, for ~10% more CPU on that CPU-bound
// trap site (a scan of a real site waits on the network). The flag is read when the heap decides
// to grow, so setting it first thing at start-up takes effect. DRAFTLEAK_V8_DEFAULT_HEAP=1 keeps
// V8's defaults (for comparing, or where memory is plentiful).
import { setFlagsFromString } from 'node:v8';

export function applyScannerHeapPolicy(env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.DRAFTLEAK_V8_DEFAULT_HEAP === '1') return false;
  setFlagsFromString('--optimize-for-size');
  return true;
}
