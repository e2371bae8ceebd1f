/**
 * The subset of SARIF 2.1.0 that draftleak emits. Typed by hand (rather than generated from the
 * schema) so that the compiler stops us from writing a field we never meant to support; the
 * tests check the output against the official schema.
 */
export type SarifLevel = 'none' | 'note' | 'warning' | 'error';

export interface SarifMessage {
  text: string;
}

export interface SarifMultiformatMessage {
  text: string;
  markdown?: string;
}

export interface SarifArtifactLocation {
  /** Always relative: GitHub rejects a whole upload when an absolute URI is not `file:`. */
  uri: string;
  uriBaseId?: string;
}

export interface SarifReportingDescriptor {
  id: string;
  name: string;
  shortDescription: SarifMultiformatMessage;
  fullDescription: SarifMultiformatMessage;
  help: SarifMultiformatMessage;
  helpUri?: string;
  defaultConfiguration: { level: SarifLevel };
  properties: {
    tags: string[];
    precision: string;
    'security-severity'?: string;
    cwe?: string[];
  };
  /** The CWE weaknesses the rule looks for, pointing into run.taxonomies. */
  relationships?: SarifRelationship[];
}

/** A reference to a taxon (a CWE entry) in one of the run's taxonomies. */
export interface SarifRelationship {
  target: { id: string; toolComponent: { name: string; index: number } };
  kinds: string[];
}

export interface SarifTaxon {
  id: string;
  shortDescription?: SarifMessage;
  helpUri: string;
}

/** A taxonomy (CWE) as SARIF's run.taxonomies holds it: only the taxa the run's rules use. */
export interface SarifTaxonomy {
  name: string;
  organization: string;
  informationUri: string;
  shortDescription: SarifMessage;
  isComprehensive: false;
  taxa: SarifTaxon[];
}

export interface SarifDescriptorReference {
  id: string;
  index?: number;
}

export interface SarifNotification {
  level: SarifLevel;
  message: SarifMessage;
  descriptor: SarifDescriptorReference;
  associatedRule?: SarifDescriptorReference;
}

export interface SarifInvocation {
  executionSuccessful: boolean;
  commandLine?: string;
  startTimeUtc?: string;
  endTimeUtc?: string;
  toolExecutionNotifications: SarifNotification[];
}

export interface SarifLogicalLocation {
  /** The object's own id (or a file's path), as SARIF wants the unqualified name here. */
  name: string;
  /** `<cms>.<type>.<id>`, such as `wordpress.post.37`. */
  fullyQualifiedName: string;
  kind: string;
}

export interface SarifLocation {
  physicalLocation: {
    artifactLocation: SarifArtifactLocation;
    region: { startLine: number };
  };
  logicalLocations?: SarifLogicalLocation[];
}

export interface SarifArtifactContent {
  text: string;
}

export interface SarifWebRequest {
  protocol: string;
  version: string;
  method: string;
  target: string;
  headers: Record<string, string>;
}

export interface SarifWebResponse {
  protocol: string;
  version: string;
  statusCode: number;
  reasonPhrase?: string;
  headers: Record<string, string>;
  body: SarifArtifactContent;
}

export interface SarifExposedItem {
  id?: string;
  status?: string;
  date?: string;
  url?: string;
}

/** A finding a baseline accepted: still reported, hidden by viewers that honour suppressions. */
export interface SarifSuppression {
  kind: 'external';
  status: 'accepted';
  justification: string;
  properties: { owner: string; expires?: string };
}

export interface SarifResult {
  ruleId: string;
  ruleIndex?: number;
  level: SarifLevel;
  message: SarifMessage;
  locations: SarifLocation[];
  partialFingerprints: Record<string, string>;
  webRequest: SarifWebRequest;
  webResponse: SarifWebResponse;
  suppressions?: SarifSuppression[];
  properties: {
    severity: string;
    confidence: string;
    items: SarifExposedItem[];
    urls: string[];
  };
}

export interface SarifRun {
  tool: {
    driver: {
      name: string;
      semanticVersion: string;
      informationUri: string;
      rules: SarifReportingDescriptor[];
    };
  };
  automationDetails: { id: string };
  taxonomies?: SarifTaxonomy[];
  originalUriBaseIds: Record<string, { uri: string }>;
  invocations: SarifInvocation[];
  results: SarifResult[];
  properties: {
    target: string;
    requestsSent: number;
    rulesRun: string[];
    /** Findings of this target left out of `results` to stay within GitHub's limits. */
    resultsOmitted?: number;
  };
}

export interface SarifLog {
  $schema: string;
  version: '2.1.0';
  runs: SarifRun[];
}
