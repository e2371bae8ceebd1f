import type { Detection } from './detect.js';

/**
 * One line per detected CMS, for `draftleak fingerprint URL`:
 * `wordpress 6.1.9  confidence 0.98  [generator-meta: WordPress 6.1.9, rest-index]`.
 */
export function formatDetections(detections: readonly Detection[]): string {
  if (detections.length === 0) return 'no CMS detected';
  return detections
    .map((detection) => {
      const label = detection.version !== undefined ? `${detection.cms} ${detection.version}` : detection.cms;
      const kind = detection.kind === 'cms' ? '' : `  (${detection.kind})`;
      return `${label}  confidence ${detection.confidence.toFixed(2)}  [${detection.signals.join(', ')}]${kind}`;
    })
    .join('\n');
}
