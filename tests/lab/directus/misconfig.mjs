// Named misconfigurations of the Directus lab, made through the permissions API (Directus 11:
// permissions belong to policies; the Public policy is the one attached to no role and no user).
//   public-items  the Public policy may read `article` with no item filter, so drafts and
//                 scheduled items are served next to the published ones
//   public-files  the Public policy may read directus_files, so GET /files lists every upload
// `on` records the id of the permission it creates; `off` deletes exactly that permission (and
// nothing else), which restores the default (the Public policy has no permissions at all).
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { api, publicPolicyId } from './api.mjs';

const toggles = {
  'public-items': { collection: 'article' },
  'public-files': { collection: 'directus_files' },
};

const [action, name] = process.argv.slice(2);
const toggle = toggles[name];
if (!toggle || !['on', 'off', 'status'].includes(action)) {
  console.error(`usage: misconfig.sh on|off|status ${Object.keys(toggles).join('|')}`);
  process.exit(2);
}
const stateDir = process.env.DIRECTUS_LAB_STATE;
if (!stateDir) throw new Error('DIRECTUS_LAB_STATE is not set (source tests/lab/directus/env.sh)');
const idFile = path.join(stateDir, `misconfig-${name}.id`);

const policy = await publicPolicyId();
const recordedId = await readFile(idFile, 'utf8').then((text) => Number(text.trim()), () => undefined);
const current = await api('GET', `/permissions?filter[policy][_eq]=${policy}&filter[collection][_eq]=${toggle.collection}&filter[action][_eq]=read&fields=id,permissions,fields&limit=-1`);
const ours = current.find((permission) => permission.id === recordedId);

if (action === 'status') {
  console.log(ours ? 'on' : 'off');
} else if (action === 'on') {
  if (ours) {
    console.error(`${name}: already on (permission ${ours.id})`);
  } else {
    // No `permissions` filter and every field: what a user gets by ticking "read: all access".
    const created = await api('POST', '/permissions', { policy, collection: toggle.collection, action: 'read', permissions: null, validation: null, fields: ['*'] });
    await writeFile(idFile, `${created.id}\n`);
    console.error(`${name}: on (permission ${created.id} on policy ${policy})`);
  }
} else {
  if (ours) {
    await api('DELETE', `/permissions/${ours.id}`);
    console.error(`${name}: off (deleted permission ${ours.id})`);
  } else {
    console.error(`${name}: already off`);
  }
  await rm(idFile, { force: true });
}
