import { readFileSync } from 'node:fs';
import type { ToolInfo } from './scan-result.js';

// Read from package.json at run time so the version is written in one place only.
const packageJson = JSON.parse(
  readFileSync(new URL('../../package.json', import.meta.url), 'utf8'),
) as { version: string };

export const toolInfo: ToolInfo = {
  name: 'draftleak',
  version: packageJson.version,
  informationUri: 'https://github.com/draftleak/draftleak',
};
