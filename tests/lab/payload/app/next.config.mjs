import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { withPayload } from '@payloadcms/next/withPayload';

const here = path.dirname(fileURLToPath(import.meta.url));

/** @type {import('next').NextConfig} */
const nextConfig = {
  // The repository's own package-lock.json above would otherwise be taken for the workspace root.
  turbopack: { root: here },
  outputFileTracingRoot: here,
};

export default withPayload(nextConfig);
