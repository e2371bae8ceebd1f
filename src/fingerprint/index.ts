export {
  fingerprintSchema,
  signalSchema,
  fingerprintKinds,
  type Fingerprint,
  type FingerprintKind,
  type Signal,
} from './fingerprint-schema.js';
export { loadFingerprints, parseFingerprintText, fingerprintsDir, type LoadedFingerprint } from './load-fingerprints.js';
export {
  detectCms,
  PassiveJudge,
  detectionThreshold,
  decisiveConfidence,
  defaultMaxProbes,
  type Detection,
  type DetectOptions,
  type DetectResult,
} from './detect.js';
export { formatDetections } from './format-detections.js';
export { fingerprintCaseFileSchema, type FingerprintCase, type FingerprintCaseFile } from './case-schema.js';
export {
  runFingerprintCases,
  runFingerprintCase,
  fingerprintCaseFileFor,
  fingerprintCaseTarget,
  type FingerprintCaseResult,
  type FingerprintCasesResult,
} from './run-cases.js';
